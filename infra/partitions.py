"""Which partition a case belongs to: Kafka's default partitioner (murmur2 of the key), as the
relay's producer chooses it. The Kafka consumers use it to know which cases they own, and a
rebuild splits the log across its processes by the same function, so both shapes divide the
work the same way."""

from __future__ import annotations

from kafka.partitioner.default import murmur2


def partition_of(case_id: str, partition_count: int) -> int:
    return (int(murmur2(case_id.encode())) & 0x7FFFFFFF) % partition_count

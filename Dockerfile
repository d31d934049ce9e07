# One image for every banli process of the production shape (API, relay, consumers).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY api ./api
COPY consumers ./consumers
COPY infra ./infra
COPY demo ./demo
COPY banli ./banli
COPY web ./web
RUN pip install --no-cache-dir .
ENTRYPOINT ["banli"]

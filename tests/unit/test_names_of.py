"""How a cell or a form's box of names is read (``infra.cell_values.names_of``): 、, commas,
semicolons and new lines part names; spaces part two names, not the halves of one padded to
line up in an official list (王　五). Words of letters (unit codes) part as spaces part them."""

from __future__ import annotations

import pytest

from infra.cell_values import CellError, names_of, person_names_of, typed_names


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("张三、李四；王五", ["张三", "李四", "王五"]),
        ("张三 李四", ["张三", "李四"]),  # the import template's own way: 空格分开
        ("王  五", ["王五"]),
        ("王　五、李四", ["王五", "李四"]),
        ("王 五 李四", ["王五", "李四"]),
        ("欧阳 娜", ["欧阳娜"]),
        ("张三\n李四", ["张三", "李四"]),
        ("FIN HOU、EDU", ["FIN", "HOU", "EDU"]),  # unit codes
        ("王 FIN", ["王", "FIN"]),
        ("、、 张三 、", ["张三"]),
        ("", []),
    ],
)
def test_names_are_parted_by_separators_and_by_spaces_between_whole_names(
    cell: str, names: list[str]
) -> None:
    assert names_of(cell) == names


@pytest.mark.parametrize("cell", ["欧阳 娜娜", "张三 李四", "王五、欧阳　娜娜"])
def test_a_space_between_two_whole_chinese_names_is_asked_about_not_guessed_R_C4(
    cell: str,
) -> None:
    """A review's import read 欧阳 娜娜 as two deputies, 欧阳 and 娜娜: the reply's recipients
    (R-C4) then held a co-signer who does not exist. One name padded or two names look alike."""
    with pytest.raises(CellError, match="多人请用 、 分开"):
        person_names_of(cell)


@pytest.mark.parametrize(
    ("cell", "names"),
    [("张三、李四", ["张三", "李四"]), ("欧阳 娜", ["欧阳娜"]), ("王 五\n李四", ["王五", "李四"])],
)
def test_people_apart_by_separators_or_padded_are_read_as_before(
    cell: str, names: list[str]
) -> None:
    assert person_names_of(cell) == names


def test_a_proposer_whose_type_differs_from_the_lists_says_so_after_the_name_R_C4() -> None:
    """A proposal led by a participating unit with members co-signing was recorded as led by a
    member: the form and the import took one type for every name."""
    names = names_of("民盟省委会（单位）、陈立群、周华(委员)")
    assert typed_names(names, "member") == [
        ("民盟省委会", "unit"),
        ("陈立群", "member"),
        ("周华", "member"),
    ]
    assert typed_names(["王五（测试）"], "deputy") == [("王五（测试）", "deputy")]  # no type word

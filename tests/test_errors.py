import pytest

import hotlist
from hotlist._errors import RowProblem


@pytest.mark.parametrize(
    "cls", [hotlist.InvalidQuery, hotlist.ExtractError, hotlist.IntegrityError]
)
def test_every_error_is_a_hotlist_error_and_a_value_error(cls: type[Exception]) -> None:
    err = cls()
    assert isinstance(err, hotlist.HotlistError)
    assert isinstance(err, ValueError)
    assert str(err)  # a default message, never empty


def test_extract_error_lists_row_problems() -> None:
    problems = [RowProblem("x.csv", i, "status", "bogus", "unknown status") for i in range(1, 13)]
    err = hotlist.ExtractError("3 rows rejected", file="x.csv", problems=problems)
    text = str(err)
    assert text.startswith("x.csv: 3 rows rejected")
    assert "x.csv, row 1, column 'status': unknown status (value 'bogus')" in text
    assert "... and 2 more" in text
    assert err.problems == problems

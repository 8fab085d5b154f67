"""TableDAT as in the contract: cells, header names, rows and columns, clear."""

from __future__ import annotations

import pytest

from host import Host, TableDAT


@pytest.fixture
def dat(host: Host) -> TableDAT:
    table = host.root.create(TableDAT, "table")
    table.appendRow(["name", "age"])
    table.appendRow(["ada", 36])
    table.appendRow(["alan", 41])
    return table


def test_size_and_cells(dat: TableDAT) -> None:
    assert (dat.numRows, dat.numCols) == (3, 2)
    assert dat[1, 0].val == "ada"
    assert dat[1, "age"].val == "36"  # values are stored as strings
    assert dat[-1, -1].val == "41"
    assert dat[2, "name"] == "alan"
    assert str(dat[0, 1]) == "age"


def test_row_and_col(dat: TableDAT) -> None:
    assert [c.val for c in dat.row(1)] == ["ada", "36"]
    assert [c.val for c in dat.col("age")] == ["age", "36", "41"]
    assert [c.val for c in dat.col(0)] == ["name", "ada", "alan"]
    assert dat.values() == [["name", "age"], ["ada", "36"], ["alan", "41"]]


def test_writing_cells(dat: TableDAT) -> None:
    dat[1, "age"] = 37
    assert dat[1, 1].val == "37"
    dat[2, 0].val = "turing"
    assert dat[2, "name"].val == "turing"


def test_append_pads_and_widens(dat: TableDAT) -> None:
    assert dat.appendRow(["grace"]) == 3
    assert dat.row(3)[1].val == ""
    dat.appendRow(["x", "1", "extra"])
    assert dat.numCols == 3
    assert [c.val for c in dat.row(0)] == ["name", "age", ""]


def test_insert_replace_delete(dat: TableDAT) -> None:
    dat.insertRow(["bob", 20], 1)
    assert dat[1, "name"].val == "bob"
    dat.replaceRow(1, ["carl", 30])
    assert [c.val for c in dat.row(1)] == ["carl", "30"]
    dat.deleteRow(1)
    assert dat.numRows == 3 and dat[1, 0].val == "ada"


def test_clear(dat: TableDAT) -> None:
    dat.clear(keepFirstRow=True)
    assert dat.values() == [["name", "age"]]
    dat.clear()
    assert (dat.numRows, dat.numCols) == (0, 0)


def test_version_grows_on_every_change(dat: TableDAT) -> None:
    v = dat.version
    dat.appendRow(["x", 1])
    dat[1, 0] = "y"
    dat.deleteRow(3)
    dat.clear(keepFirstRow=True)
    assert dat.version == v + 4
    dat.values()
    dat.numRows  # noqa: B018
    assert dat.version == v + 4


@pytest.mark.parametrize(("action", "exc", "pattern"), [
    # Reading a missing cell gives None (TD); writing one raises.
    (lambda d: d.__setitem__((5, 0), "x"), IndexError,
     r"/table has 3 rows \(0\.\.2\); row 5 is out of range"),
    (lambda d: d.__setitem__((0, 9), "x"), IndexError,
     r"/table has 2 columns; column 9 is out of range"),
    (lambda d: d.__setitem__((0, "height"), "x"), KeyError,
     r"no column named 'height'; its header is: name, age"),
    (lambda d: d.__setitem__(("bob", 0), "x"), KeyError,
     r"/table has no row labelled 'bob' \(first column\)"),
    (lambda d: d[1.0, 0], TypeError, r"expected a row index \(int\) or label \(str\), got 1.0"),
    (lambda d: d[0], TypeError, r"expected \[row, col\], got 0"),
    (lambda d: d.appendRow("abc"), TypeError, r"appendRow\(\) expected a list of cell values, "
                                              r"got 'abc'"),
    (lambda d: d.appendRow(5), TypeError, r"got 5"),
    (lambda d: d.insertRow(["a"], 9), IndexError, r"insertRow\(\) expected an index from 0 to 3, "
                                                  r"got 9"),
    (lambda d: d.deleteRow(7), IndexError, r"row 7 is out of range"),
    (lambda d: d.col(1.5), TypeError, r"expected a column index or header name, got 1.5"),
])
def test_bad_access_changes_nothing(dat: TableDAT, action: object, exc: type[Exception],
                                    pattern: str) -> None:
    before = (dat.values(), dat.version)
    with pytest.raises(exc, match=pattern):
        action(dat)  # type: ignore[operator]
    assert (dat.values(), dat.version) == before


# -- cooking on demand ---------------------------------------------------------------

def test_a_refresh_runs_once_before_the_next_access_after_mark_stale(dat: TableDAT) -> None:
    source = ["bob"]
    refreshes: list[int] = []

    def refresh() -> None:
        refreshes.append(dat.numRows)  # its own reads do not recurse
        dat.appendRow([source.pop(), 7])

    dat.refresh_on_read(refresh)
    assert dat.numRows == 3 and refreshes == []  # nothing marked stale yet
    dat.mark_stale()
    dat.mark_stale()
    assert refreshes == []  # marking is free; the refresh waits for a read
    assert dat[3, "name"].val == "bob"
    assert refreshes == [3]
    assert dat.numRows == 4 and refreshes == [3]  # once per mark_stale


@pytest.mark.parametrize("access", [
    lambda d: d.numRows, lambda d: d.numCols, lambda d: d.version, lambda d: d.values(),
    lambda d: d.rows(), lambda d: d.row(0), lambda d: d.col("name"), lambda d: d[0, 0],
    lambda d: d.appendRow(["x"]), lambda d: d.deleteRow(1), lambda d: d.refresh(),
])
def test_every_access_runs_the_pending_refresh(dat: TableDAT, access: object) -> None:
    ran: list[bool] = []
    dat.refresh_on_read(lambda: ran.append(True))
    dat.mark_stale()
    access(dat)  # type: ignore[operator]
    assert ran == [True]


def test_a_cell_taken_earlier_reads_through_the_refresh(dat: TableDAT) -> None:
    cell = dat[1, "age"]
    dat.refresh_on_read(lambda: dat.replaceRow(1, ["ada", 37]))
    dat.mark_stale()
    assert cell.val == "37"


def test_refresh_none_stops_it_and_a_non_callable_is_refused(dat: TableDAT) -> None:
    ran: list[bool] = []
    dat.refresh_on_read(lambda: ran.append(True))
    dat.refresh_on_read(None)
    dat.mark_stale()
    assert dat.numRows == 3 and ran == []
    with pytest.raises(TypeError, match=r"refresh_on_read\(\) expected a callable or None, "
                                        r"got 'soon'"):
        dat.refresh_on_read("soon")  # type: ignore[arg-type]

"""Tables the TouchDesigner way: row labels, None for a missing cell, Cell casts and
comparisons, text, findCell, appendRows/appendCol, setSize, clear(keepFirstCol)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from host import Cell, Host, TableDAT


@pytest.fixture
def dat(host: Host) -> TableDAT:
    table = host.root.create(TableDAT, "table")
    table.appendRows([["task_id", "status", "duration"], [7, "running", "1.5"],
                      [12, "completed", "3"]])
    return table


def test_rows_by_label_and_columns_by_name(dat: TableDAT) -> None:
    cell = dat["7", "status"]
    assert isinstance(cell, Cell) and cell.val == "running"
    assert (cell.row, cell.col) == (1, 1)
    assert dat["12", 2] == "3" and dat[2, "duration"] == 3
    assert dat["task_id", "status"] == "status"  # the header row is labelled too
    row = dat.row("12")
    assert row is not None and [c.val for c in row] == ["12", "completed", "3"]
    col = dat.col("duration")
    assert col is not None and [c.val for c in col] == ["duration", "1.5", "3"]
    assert dat.cell("7", "duration") == 1.5


def test_a_missing_cell_row_or_column_is_none(dat: TableDAT) -> None:
    assert dat["99", "status"] is None
    assert dat["7", "nope"] is None
    assert dat[3, 0] is None and dat[0, 3] is None and dat[-4, 0] is None
    assert dat.row("99") is None and dat.row(5) is None
    assert dat.col("nope") is None and dat.col(3) is None
    with pytest.raises(TypeError, match=r"expected a row index \(int\) or label \(str\), "
                                        r"got None"):
        dat[None, 0]  # type: ignore[index]


def test_labels_follow_changes(dat: TableDAT) -> None:
    assert dat["7", 0] is not None
    dat[1, 0] = 8
    assert dat["7", 0] is None and dat["8", "status"] == "running"
    dat.appendRow([8, "duplicate"])
    assert dat["8", "status"] == "running"  # the first row with the label
    dat.deleteRow("8")
    assert dat["8", "status"] == "duplicate"


def test_cells_cast_and_compare_as_the_other_values_type(dat: TableDAT) -> None:
    running, duration, whole = dat["7", "status"], dat["7", "duration"], dat["12", "duration"]
    assert running is not None and duration is not None and whole is not None
    assert float(duration) == 1.5 and int(whole) == 3 and str(running) == "running"
    assert duration == 1.5 and duration == "1.5" and duration != "1.50"
    assert whole == 3 and whole == 3.0 and whole != 4
    assert running != 3  # not a number: unequal, not an error
    assert duration < 2 and duration <= 1.5 and whole > 2.5 and whole >= 3
    assert running > "a" and dat[0, 0] == dat[0, 0]
    with pytest.raises(ValueError, match=r"holds 'running', not a number"):
        float(running)
    with pytest.raises(ValueError, match=r"holds '1.5', not a whole number"):
        int(duration)
    with pytest.raises(TypeError, match=r"cannot order .* against 3"):
        running < 3  # noqa: B015


def test_cell_assignment_by_label(dat: TableDAT) -> None:
    before = dat.version
    dat["7", "status"] = "completed"
    cell = dat["7", "status"]
    assert cell is not None and cell.val == "completed" and dat.version == before + 1
    cell.val = "failed"
    assert dat[1, 1] == "failed"
    with pytest.raises(KeyError, match=r"/table has no row labelled '99'"):
        dat["99", "status"] = "x"


def test_text_find_cell_and_bulk_edits(dat: TableDAT) -> None:
    assert dat.text == "task_id\tstatus\tduration\n7\trunning\t1.5\n12\tcompleted\t3\n"
    found = dat.findCell("completed")
    assert found is not None and (found.row, found.col) == (2, 1)
    assert dat.findCell("COMP*") == found  # TD: a pattern, not case sensitive by default
    assert dat.findCell("COMP*", caseSensitive=True) is None
    assert dat.findCell("run*", valuePattern=False) is None
    assert dat.findCell("3", cols=["duration"]) is not None
    assert dat.findCell("3", rows=["7"]) is None
    assert dat.findCell("nothing") is None

    assert dat.appendCol(["info", "a", "b", "extra"]) == 3
    assert (dat.numRows, dat.numCols) == (4, 4)
    assert dat.values()[3] == ["", "", "", "extra"]
    dat.setSize(2, 2)
    assert dat.values() == [["task_id", "status"], ["7", "running"]]
    dat.setSize(3, 3)
    assert dat.values()[2] == ["", "", ""] and dat.values()[0][2] == ""

    dat.text = "a\tb\nc\n"
    assert dat.values() == [["a", "b"], ["c", ""]]


def test_clear_keeps_the_first_row_and_or_column(dat: TableDAT) -> None:
    dat.clear(keepFirstCol=True)
    assert dat.values() == [["task_id"], ["7"], ["12"]]
    dat.appendCol(["status", "running", "done"])
    dat.clear(keepFirstRow=True, keepFirstCol=True)
    assert dat.values() == [["task_id", "status"], ["7", ""], ["12", ""]]
    dat.clear(keepFirstRow=True, keepSize=True)
    assert dat.values() == [["task_id", "status"], ["", ""], ["", ""]]
    dat.clear(keepFirstRow=True)
    assert dat.values() == [["task_id", "status"]]
    dat.clear()
    assert (dat.numRows, dat.numCols) == (0, 0)


def test_bulk_edits_bump_the_version_once_and_reject_bad_input_whole(dat: TableDAT) -> None:
    before = (dat.values(), dat.version)
    with pytest.raises(TypeError, match=r"appendRows\(\) expected a list of cell values, "
                                        r"got 'oops'"):
        dat.appendRows([["ok"], "oops"])
    with pytest.raises(ValueError, match=r"setSize\(\) expected numcols as a whole number "
                                         r">= 0, got -1"):
        dat.setSize(1, -1)
    with pytest.raises(TypeError, match=r"\.text expected a string"):
        dat.text = 5  # type: ignore[assignment]
    assert (dat.values(), dat.version) == before
    assert dat.appendRows([["20"], ["21", "pending"]]) == 3
    assert dat.version == before[1] + 1


def test_a_refreshed_table_refreshes_before_td_style_reads(host: Host) -> None:
    dat = host.root.create(TableDAT, "cooked")
    source = [["id", "v"], ["1", "one"]]
    dat.refresh_on_read(lambda: (dat.clear(), dat.appendRows(source)))
    dat.mark_stale()
    assert dat["1", "v"] == "one"
    source.append(["2", "two"])
    dat.mark_stale()
    assert dat.findCell("two") is not None and dat.text.endswith("2\ttwo\n")


def test_clear_takes_td_positional_order_keep_size_first(dat: TableDAT) -> None:
    dat.clear(True)  # TD: keepSize, not keepFirstRow
    assert dat.values() == [["", "", ""]] * 3
    assert dat["7", 0] is None  # the row labels follow the cleared cells
    dat.text = "id\tstate\n7\trunning\n"
    dat.clear(False, True)
    assert dat.values() == [["id", "state"]] and dat["7", 0] is None
    assert dat["id", "state"] == "state"


def test_clear_refuses_an_option_that_is_not_a_flag_changing_nothing(dat: TableDAT) -> None:
    before = (dat.values(), dat.version)
    with pytest.raises(TypeError, match=r"/table.clear\(\) expected keepFirstRow as True or "
                                        r"False, got 'yes'"):
        dat.clear(keepFirstRow="yes")  # type: ignore[arg-type]
    assert (dat.values(), dat.version) == before


# -- writes by label on big tables; cells that outlive their row ------------------------

def _lines_run_in(filename: str, action: Callable[[], object]) -> int:
    """Python lines executed in ``filename`` while ``action()`` runs: a count of work
    that no machine's speed changes."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def _label_writes(rows: int) -> int:
    import td.table

    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "big")
        dat.appendRow(["id", "status"])
        dat.appendRows([[str(i), "pending"] for i in range(rows)])

        assert dat["0", "status"] == "pending"  # the labels are indexed once, here

        def writes() -> None:
            for i in range(0, rows, rows // 30):
                dat[str(i), "status"] = "done"

        count = _lines_run_in(td.table.__file__, writes)
        assert dat[str(rows // 30), "status"] == "done"
        assert dat.findCell("done", cols=[1]) is not None
        return count


def test_writes_by_row_label_cost_the_same_on_a_table_ten_times_bigger() -> None:
    assert _label_writes(20_000) == _label_writes(2_000)


def test_a_write_to_column_0_moves_the_label() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["id", "v"], ["a", "1"], ["b", "2"]])
        assert dat["a", "v"] == 1
        dat["a", "v"] = 5
        dat["a", 0] = "c"
        assert dat["a", "v"] is None and dat["c", "v"] == 5
        dat.appendRow(["d", "4"])
        assert dat["d", "v"] == 4
        dat.deleteRow("b")
        assert dat["d", "v"].row == 2


def test_a_cell_whose_row_was_deleted_reprs_and_reads_with_a_clear_error() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["a", "1"], ["b", "2"]])
        cell = dat[1, 1]
        dat.deleteRow(1)
        assert repr(cell) == "<Cell /t[1, 1] (no such cell: /t has 1 rows and 2 columns)>"
        with pytest.raises(IndexError, match=r"/t has 1 rows \(0\.\.0\); row 1 is out of range"):
            _ = cell.val
        with pytest.raises(IndexError, match=r"/t has 1 rows \(0\.\.0\); row 5 is out of range"):
            dat.cellValue(5, 0)
        with pytest.raises(IndexError, match=r"/t has 2 columns; column 7 is out of range"):
            dat.setCellValue(0, 7, "x")
        assert dat.values() == [["a", "1"]]


def test_a_cell_is_not_hashable_as_it_equals_both_its_text_and_its_number() -> None:
    with Host(fps=60, realtime=False) as host:
        dat = host.root.create(TableDAT, "t")
        dat.appendRows([["3", "x"]])
        three = dat[0, 0]
        assert three == 3 and three == "3"  # no one hash can agree with both
        with pytest.raises(TypeError, match="unhashable type: 'Cell'"):
            hash(three)
        assert {c.val for c in dat.row(0)} == {"3", "x"}  # type: ignore[union-attr]

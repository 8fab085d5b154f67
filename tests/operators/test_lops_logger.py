"""LOPs's logger call forms and create_parameter, on DotLOPUtils."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from dot_lop_utils import DotLOPUtils, LoggerCOMP
from host import BaseCOMP, Host
from operators import LopsLogger


class Ext(DotLOPUtils):
    def __init__(self, ownerComp: Any) -> None:
        super().__init__(ownerComp)


def test_every_lops_form_reaches_logging_and_the_logger_table(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    comp = host.root.create(BaseCOMP, "lop")
    comp.create(LoggerCOMP, "Logger")
    ext = comp.addExtension(Ext)
    logger = ext.logger
    assert isinstance(logger, LopsLogger) and isinstance(logger, logging.Logger)
    assert logger is comp.op("Logger").ext.Logger and logger.name == "/lop"
    with caplog.at_level(logging.DEBUG, logger="/lop"):
        logger.log("plain")
        logger.log("bad", level="ERROR")
        logger.log("from core", "VenvCore", "WARNING")
        logger.log("tick", "TDAsyncIO", level="DEBUG")
        logger.info("sent %r as task %s", "hi", 3)
        logger.log(logging.INFO, "std %s", "form")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("INFO", "plain"), ("ERROR", "bad"), ("WARNING", "[VenvCore] from core"),
        ("DEBUG", "[TDAsyncIO] tick"), ("INFO", "sent 'hi' as task 3"), ("INFO", "std form")]
    out = comp.op("Logger/out1")
    assert out.values()[1] == [out[1, 0].val, "INFO", "std form", ""]
    assert out[3, "message"].val == "tick" and out[3, "source"].val == "TDAsyncIO"
    with pytest.raises(ValueError, match=r"logger\.log\(\) expected a level such as 'INFO'.*"
                                         r"got 'LOUD'"):
        logger.log("x", level="LOUD")
    with pytest.raises(TypeError, match=r"got the level twice"):
        logger.log("x", "Src", "INFO", level="INFO")


def test_without_a_logger_comp_it_logs_under_the_owners_path(
        host: Host, caplog: pytest.LogCaptureFixture) -> None:
    ext = host.root.create(BaseCOMP, "bare").addExtension(Ext)
    with caplog.at_level(logging.INFO, logger="/bare"):
        ext.logger.log("hello", "Here", "INFO")
    assert caplog.records[-1].name == "/bare" and caplog.records[-1].getMessage() == \
        "[Here] hello"


def test_create_parameter_the_lops_way(host: Host) -> None:
    comp = host.root.create(BaseCOMP, "lop")
    ext = comp.addExtension(Ext)
    status = ext.create_parameter("Status", "str", page="Main", default="Ready",
                                  readOnly=True, help="what it does")
    menu = ext.create_parameter("Backend", "menu", page="Main", default="uv",
                                menuNames=["uv", "pip"], menuLabels=["UV", "pip"])
    choice = ext.create_parameter("Version", "strmenu", page="Main", default="3.11",
                                  menuNames=["3.10", "3.11"])
    folder = ext.create_parameter("Base", "folder", page="Main")
    count = ext.create_parameter("Count", "int", page="Main", default=2, min=0, max=9)
    pulse = ext.create_parameter("Go", "pulse", page="Main")
    assert ext.create_parameter("Section", "header", page="Main") is None
    assert (status.eval(), status.readOnly, menu.eval(), menu.menuLabels) == \
        ("Ready", True, "uv", ["UV", "pip"])
    assert (choice.eval(), folder.spec.kind, count.eval(), pulse.isPulse) == \
        ("3.11", "folder", 2, True)
    assert comp.par.Backend is menu and [p.name for p in comp.customPages[0].pars] == \
        ["Status", "Backend", "Version", "Base", "Count", "Go"]
    with pytest.raises(ValueError, match=r"create_parameter\(\) expected style as one of "
                                         r".*got 'colour'"):
        ext.create_parameter("Tint", "colour")

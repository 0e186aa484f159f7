"""One router per page of the web app (see :func:`scheduler.web.app.create_app`)."""

from __future__ import annotations

from scheduler.web.pages.agent import router as agent
from scheduler.web.pages.calendars import router as calendars
from scheduler.web.pages.history import router as history
from scheduler.web.pages.home import router as home
from scheduler.web.pages.operations import router as operations
from scheduler.web.pages.plan import router as plan
from scheduler.web.pages.report import router as report
from scheduler.web.pages.roster import router as roster
from scheduler.web.pages.staffing import router as staffing
from scheduler.web.pages.team import router as team
from scheduler.web.pages.tickets import router as tickets
from scheduler.web.pages.whatif import router as whatif

ROUTERS = (home, team, staffing, plan, roster, report, calendars, whatif, tickets, operations,
           history, agent)

__all__ = ["ROUTERS"]

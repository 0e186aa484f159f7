"""Ticket work: records read from help-desk exports, the routing policy, the desk (who is on
duty for tickets) and the open tickets ready for assignment."""

from scheduler.tickets.read import CSV_OPTIONAL, CSV_REQUIRED, TicketLoad, load_tickets

__all__ = ["CSV_OPTIONAL", "CSV_REQUIRED", "TicketLoad", "load_tickets"]

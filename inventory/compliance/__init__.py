"""Handover compliance for auditors: the summary per commune and for the province, merger
coverage, the XLSX export, auditors' flags, and the due-soon reminders."""

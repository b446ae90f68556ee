"""Users: the accounts of officers, auditors, leaders and admins, with their role and scope."""

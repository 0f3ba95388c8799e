"""The help desk's configuration as an admin sets it: topics, departments, forms and their fields, e-mail templates,
schedules and SLAs, file rules, sequences; read once and cached (cache.py), and new help topics.

Imports: the shared modules of osticket/ only."""

"""Who is in the help desk: end users and their portal accounts, agents, their teams and what they may touch, API keys;
and new users.

Imports: catalog/ and the shared modules of osticket/."""

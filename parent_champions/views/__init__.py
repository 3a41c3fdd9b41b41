"""Pages for parent champions and their centre managers, by subject: applying and the
dashboard, registers, the sessions champions host, and the managers' pages."""

from ..core.periods import *  # noqa: F401,F403 - moved to core/periods.py; this re-export goes at merge

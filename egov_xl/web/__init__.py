"""The receiving office's web console (/bao-cao), served by the same app as the add-in."""

from .routes import router
from .session import PATH

__all__ = ["PATH", "router"]

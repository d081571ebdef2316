"""The receiving office's web console (/bao-cao), served by the same app as the add-in."""

from .routes import router
from .session import PATH, signed_in_scope

__all__ = ["PATH", "router", "signed_in_scope"]

"""The receiving office's web console (/bao-cao), served by the same app as the add-in."""

from .routes import REFUSALS, http_refusal, router
from . import original  # noqa: F401  ("Tải tệp gốc", registered on the router)
from .session import PATH, signed_in_scope

__all__ = ["PATH", "REFUSALS", "http_refusal", "router", "signed_in_scope"]

"""The receiving office's web console (/bao-cao), served by the same app as the add-in."""

from .routes import REFUSALS, http_refusal, refused_input, router
from . import original  # noqa: F401  ("Tải tệp gốc", registered on the router)
from .session import PATH, signed_in_scope

__all__ = ["PATH", "REFUSALS", "http_refusal", "refused_input", "router", "signed_in_scope"]

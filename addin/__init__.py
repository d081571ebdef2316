"""The xlwings Server project folder of egov-xl (XLWINGS_PROJECT_DIR): manifest, task pane, JS,
icons, custom_scripts, custom_functions, routers and auth. Installed as `egov_xl.addin` (see
setup.py); never imported for its code, only located (egov_xl/server/project.py)."""

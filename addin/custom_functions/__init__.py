from egov_xl.excel.functions import change, check, num, prior, ratio  # noqa: F401

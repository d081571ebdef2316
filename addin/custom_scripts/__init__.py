from egov_xl.excel.scripts import (dat_don_vi_ky, kiem_tra, lam_moi_so_sanh, luu_ky_bao_cao,  # noqa: F401
                                   tong_hop, trang_thai)

# xlwings Server's own trivial script: the floor of bench/bench_addin.py, and a quick
# "is the server answering scripts" probe for an IT admin.
from xlwings_server.custom_scripts.examples import hello_world  # noqa: F401,E402

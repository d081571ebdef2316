from egov_xl.excel.scripts import dat_don_vi_ky, kiem_tra, lam_moi_so_sanh, luu_ky_bao_cao  # noqa: F401

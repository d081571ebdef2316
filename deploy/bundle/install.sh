#!/bin/sh
# Cài egov-xl từ gói ngoại tuyến này vào một môi trường ảo, không cần Internet.
# Dùng:  sh install.sh [THƯ_MỤC_CÀI]      (mặc định /opt/egov-xl; PYTHON=python3.12 để chọn Python)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-/opt/egov-xl}
py=${PYTHON:-python3}
tag=$("$py" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
wheels="$here/wheels/linux-$tag"
if [ ! -d "$wheels" ]; then
  echo "Gói này không có thư viện cho Python $tag trên Linux (có: $(ls "$here/wheels" | tr '\n' ' ')); hãy dựng gói bằng đúng phiên bản Python của máy chủ." >&2
  exit 1
fi
"$py" -m venv "$target/venv"
"$target/venv/bin/python" -m pip install --quiet --no-index --find-links "$wheels" egov-xl
cp -R "$here/deploy" "$here/docs" "$target/"  # the service, proxy example and guide beside it
echo "Đã cài egov-xl: $target/venv/bin/egov-xl"

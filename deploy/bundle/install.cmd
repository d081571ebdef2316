@echo off
rem Cài egov-xl từ gói ngoại tuyến này vào một môi trường ảo, không cần Internet (Windows,
rem Python 3.11 hoặc 3.12 từ python.org, 64 bit). Dùng:  install.cmd [THƯ_MỤC_CÀI]  (mặc định C:\egov-xl)
chcp 65001 >nul
setlocal
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=C:\egov-xl"
for /f %%v in ('py -3 -c "import sys; print('cp%%d%%d' %% sys.version_info[:2])"') do set "TAG=%%v"
set "WHEELS=%HERE%wheels\win_amd64-%TAG%"
if not exist "%WHEELS%" (
  echo Gói này không có thư viện cho Python %TAG% trên Windows; hãy cài Python 3.11 hoặc 3.12.
  exit /b 1
)
py -3 -m venv "%TARGET%\venv" || exit /b 1
"%TARGET%\venv\Scripts\python.exe" -m pip install --quiet --no-index --find-links "%WHEELS%" egov-xl || exit /b 1
xcopy /E /I /Y /Q "%HERE%deploy" "%TARGET%\deploy" >nul
xcopy /E /I /Y /Q "%HERE%docs" "%TARGET%\docs" >nul
echo Đã cài egov-xl: %TARGET%\venv\Scripts\egov-xl.exe

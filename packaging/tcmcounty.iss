; Windows 10/11 installer for the one-folder app, for Inno Setup 6 (https://jrsoftware.org).
; NOT YET RUN: written on Linux, never compiled nor installed. A draft of what the README's
; "Building on Windows 10/11" describes; try it on Windows before handing it to anyone.
;
; On Windows, from the repository root, after `pyinstaller packaging\tcmcounty.spec --noconfirm`:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\tcmcounty.iss
; gives dist\tcmcounty-setup-0.1.0.exe. Keep AppVersion equal to pyproject.toml's version.

#define AppVersion "0.1.0"

[Setup]
; A fixed id: a later installer with the same id upgrades this install in place.
AppId={{6C1F3E2A-5B8D-4E07-9A41-2D7C0F93B1E5}
AppName=中医药示范县创建自评
AppVersion={#AppVersion}
AppPublisher=tcmcounty
DefaultDirName={autopf}\tcmcounty
DefaultGroupName=中医药示范县创建自评
UninstallDisplayIcon={app}\tcmcounty.exe
OutputDir=..\dist
OutputBaseFilename=tcmcounty-setup-{#AppVersion}
; Qt 6 needs 64-bit Windows 10 1809 (build 17763) or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
; Installs for all users of the PC (bureau PCs are shared); data stays per user in
; %LOCALAPPDATA%\tcmcounty, which the uninstaller leaves alone.
PrivilegesRequired=admin
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
; ChineseSimplified.isl is among Inno Setup's unofficial translations: copy it into its
; Languages folder first.
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; Flags: unchecked

[Files]
Source: "..\dist\tcmcounty\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\中医药示范县创建自评"; Filename: "{app}\tcmcounty.exe"
Name: "{group}\卸载"; Filename: "{uninstallexe}"
Name: "{autodesktop}\中医药示范县创建自评"; Filename: "{app}\tcmcounty.exe"; Tasks: desktopicon

[Registry]
; Double-clicking a county file opens it in the program.
Root: HKA; Subkey: "Software\Classes\.tcmcounty"; ValueType: string; ValueName: ""; ValueData: "tcmcounty.file"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\tcmcounty.file"; ValueType: string; ValueName: ""; ValueData: "示范县创建县文件"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\tcmcounty.file\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\tcmcounty.exe"" ""%1"""

[Run]
Filename: "{app}\tcmcounty.exe"; Description: "启动 中医药示范县创建自评"; Flags: nowait postinstall skipifsilent

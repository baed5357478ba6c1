; Inno Setup 6 script for VenTrack on Windows.
; Build first: pyinstaller --noconfirm --distpath build\pyinstaller\dist packaging\ventrack.spec
; then:        iscc /DAppVersion=0.1.0 packaging\windows\ventrack.iss   -> dist\VenTrack-<version>-setup.exe
; The user's registry lives in %LOCALAPPDATA%\VenTrack (platformdirs) and is never touched by uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{7B1E6C2A-4F0D-4B8E-9C51-2D7A1E0F5A31}
AppName=VenTrack
AppVersion={#AppVersion}
AppPublisher=VenTrack developers
DefaultDirName={autopf}\VenTrack
DefaultGroupName=VenTrack
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=VenTrack-{#AppVersion}-setup
SetupIconFile=..\..\build\ventrack.ico
UninstallDisplayIcon={app}\ventrackw.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "..\..\build\pyinstaller\dist\ventrack\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; ventrackw.exe: the same program without a console window (ventrack.exe is the command line)
Name: "{autoprograms}\VenTrack"; Filename: "{app}\ventrackw.exe"; Parameters: "gui"
Name: "{autodesktop}\VenTrack"; Filename: "{app}\ventrackw.exe"; Parameters: "gui"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\ventrackw.exe"; Parameters: "gui"; Description: "Start VenTrack"; Flags: nowait postinstall skipifsilent

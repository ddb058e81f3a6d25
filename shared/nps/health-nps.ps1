<#
.SYNOPSIS
    radius-sync's read-only NPS health check: reads what keeps MFA working on this server and prints ONE
    JSON line (radiusSyncHealth 1). It changes nothing and restarts nothing: no Set-, New-, Remove-,
    Restart- or Start- command, no netsh, no registry or file write (test/unit/nps-health-script.test.ts).
.DESCRIPTION
    TypeScript judges everything (shared/core/nps-health.ts): this script only reads and counts.
    Every parameter arrives as an environment variable SSM_<Name> (interpolationType ENV_VAR), never as
    text of this script. It takes no host lock: it writes nothing, so it cannot disturb a sync that runs
    at the same time (it may then read a state half-way through that sync, which the next check corrects).
    MFA outcomes are COUNTS by our client's name and reason code: no user field of an event is read.
    Failures print "radius-sync NPS health failed [<ErrorName>]: <why>" on stderr and exit 1.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function New-HealthFailure {
    param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Message)
    $exception = New-Object System.InvalidOperationException -ArgumentList $Message
    $exception.Data['RadiusSyncError'] = $Name
    return $exception
}

function Get-HealthParameter {
    param([Parameter(Mandatory)][string] $Name)
    # interpolationType ENV_VAR (docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html).
    $value = [Environment]::GetEnvironmentVariable('SSM_' + $Name)
    if ([string]::IsNullOrEmpty($value)) {
        throw (New-HealthFailure -Name 'SsmAgentOutdated' -Message ('the SSM Agent passed no SSM_{0}: radius-sync needs SSM Agent 3.3.2746.0 or later (interpolationType ENV_VAR).' -f $Name))
    }
    return $value
}

function Read-RegistryValue {
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $Name)
    # $null when the key or the value does not exist; a key that cannot be read throws.
    if (-not (Test-Path -LiteralPath $Path)) {
        return $null
    }
    return (Get-Item -LiteralPath $Path).GetValue($Name)
}

function Read-RegistryText {
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $Name)
    # A value as text (REG_SZ or REG_DWORD alike), or $null when it does not exist.
    $value = Read-RegistryValue -Path $Path -Name $Name
    if ($null -eq $value) {
        return $null
    }
    return [string] $value
}

function Enter-NpsHostLock {
    # The sync script's host lock (sync-nps.ps1, Enter-NpsHostLock): held, the check never reads a server
    # half-way through a push (an IAS restart whose extension is not loaded yet would look like a bypass).
    # Taking a mutex changes nothing on the host; the system releases it when this process ends.
    $mutex = New-Object System.Threading.Mutex -ArgumentList @($false, 'Global\radius-sync-nps')
    try {
        $acquired = $mutex.WaitOne([TimeSpan]::FromSeconds(60))
    }
    catch [System.Threading.AbandonedMutexException] {
        $acquired = $true
    }
    if (-not $acquired) {
        $mutex.Dispose()
        throw (New-HealthFailure -Name 'NpsHostBusy' -Message 'a radius-sync push has been running on this server for over 60 seconds; the next check reads it.')
    }
    return $mutex
}

function Test-NpsModuleLogged {
    # Get-NpsRadiusClient returns each client's shared secret; Group Policy module logging of the NPS
    # module records what its commands return (event 4103; about_Logging_Windows). Where it is on, the
    # check lists no client and says so.
    $root = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ModuleLogging'
    if ((Read-RegistryText -Path $root -Name 'EnableModuleLogging') -ne '1' -or -not (Test-Path -LiteralPath ($root + '\ModuleNames'))) {
        return $false
    }
    $names = Get-Item -LiteralPath ($root + '\ModuleNames')
    $patterns = @($names.GetValueNames() | ForEach-Object { [string] $names.GetValue($_) })
    return @($patterns | Where-Object { 'NPS' -like $_ }).Count -gt 0
}

function Get-EventDataValue {
    param([Parameter(Mandatory)][AllowEmptyCollection()][object[]] $Data, [Parameter(Mandatory)][string] $Name)
    foreach ($item in $Data) {
        if ($item.GetAttribute('Name') -eq $Name) {
            return [string] $item.InnerText
        }
    }
    return ''
}

function Test-ExtensionRegistered {
    # NPS loads the DLLs listed in these REG_MULTI_SZ values at start-up
    # (learn.microsoft.com/windows/win32/nps/ias-setting-up-the-extension-and-authorization-dlls); the MFA
    # extension registers MfaNpsAuthzExt.dll and MfaNpsAuthnExt.dll there
    # (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-errors).
    $path = 'HKLM:\SYSTEM\CurrentControlSet\Services\AuthSrv\Parameters'
    foreach ($pair in @(@('AuthorizationDLLs', 'MfaNpsAuthzExt.dll'), @('ExtensionDLLs', 'MfaNpsAuthnExt.dll'))) {
        $listed = @(Read-RegistryValue -Path $path -Name $pair[0])
        $present = @($listed | Where-Object { $null -ne $_ -and [System.IO.Path]::GetFileName([string] $_) -eq $pair[1] -and (Test-Path -LiteralPath ([string] $_) -PathType Leaf) })
        if ($present.Count -eq 0) {
            return $false
        }
    }
    return $true
}

function Get-IasState {
    # IAS runs inside a svchost process; whether the extension is loaded is whether that process holds
    # MfaNpsAuthzExt.dll among its modules (registered after IAS started means not loaded yet).
    $service = Get-CimInstance -ClassName Win32_Service -Filter "Name='IAS'"
    if ($null -eq $service -or $service.State -ne 'Running') {
        return @{ Running = $false; Loaded = $false }
    }
    $modules = @(Get-Process -Id $service.ProcessId -Module | Where-Object { $_.ModuleName -eq 'MfaNpsAuthzExt.dll' })
    return @{ Running = $true; Loaded = ($modules.Count -gt 0) }
}

function Get-ExtensionVersion {
    # The installed product's version as Programs and Features lists it.
    $roots = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')
    foreach ($root in $roots) {
        if (-not (Test-Path -LiteralPath $root)) {
            continue
        }
        foreach ($key in @(Get-ChildItem -LiteralPath $root)) {
            $name = $key.GetValue('DisplayName')
            if ($null -ne $name -and ([string] $name) -like '*NPS Extension For Azure MFA*') {
                return [string] $key.GetValue('DisplayVersion')
            }
        }
    }
    return $null
}

function Get-ExtensionCertificate {
    param([AllowNull()][string] $TenantId)
    # The extension's client certificates: LocalMachine\My, subject "CN=<tenant id>, OU=Microsoft NPS
    # Extension", valid two years (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension,
    # "Certificate rollover"). Every one with that OU is listed, expired ones too.
    $found = New-Object 'System.Collections.Generic.List[object]'
    foreach ($certificate in @(Get-ChildItem -LiteralPath 'Cert:\LocalMachine\My' | Where-Object { $_.Subject -like '*OU=Microsoft NPS Extension*' })) {
        $forTenant = (-not [string]::IsNullOrEmpty($TenantId)) -and ($certificate.Subject -like ('CN={0},*' -f $TenantId))
        $found.Add([ordered]@{
                thumbprint = [string] $certificate.Thumbprint
                notBefore  = $certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
                notAfter   = $certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
                forTenant  = $forTenant
            })
    }
    return , $found
}

function Get-OutcomeCount {
    param([Parameter(Mandatory)][datetime] $Since, [Parameter(Mandatory)][datetime] $Until, [Parameter(Mandatory)][string] $OwnedClientPattern)
    # NPS audits each decision in the Security log: 6272 granted, 6273 denied (ReasonCode), 6274
    # discarded (learn.microsoft.com/previous-versions/windows/it-pro/windows-10/security/threat-protection/auditing/event-6272,
    # event-6273, event-6274). Only ClientName and ReasonCode are read; no user field ever is.
    $counts = @{}
    try {
        $events = @(Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = @(6272, 6273, 6274); StartTime = $Since; EndTime = $Until } -MaxEvents 50000)
    }
    catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') {
            $events = @()
        }
        else {
            throw
        }
    }
    foreach ($entry in $events) {
        $data = @(([xml] $entry.ToXml()).GetElementsByTagName('Data'))
        $client = Get-EventDataValue -Data $data -Name 'ClientName'
        if ($client -notmatch $OwnedClientPattern) {
            continue
        }
        $reason = 0
        if ($entry.Id -eq 6273) {
            $reason = [int] (Get-EventDataValue -Data $data -Name 'ReasonCode')
        }
        $key = '{0}|{1}|{2}' -f $client, $entry.Id, $reason
        $counts[$key] = 1 + [int] $counts[$key]
    }
    $outcomes = New-Object 'System.Collections.Generic.List[object]'
    foreach ($key in @($counts.Keys | Sort-Object)) {
        $parts = $key.Split('|')
        $outcomes.Add([ordered]@{ client = $parts[0]; eventId = [int] $parts[1]; reasonCode = [int] $parts[2]; count = [int] $counts[$key] })
    }
    return , $outcomes
}

function Get-OwnedNpsState {
    param([Parameter(Mandatory)][string] $NamePrefix, [Parameter(Mandatory)][string] $OwnedClientPattern)
    # Read-only views of NPS: Get-NpsRadiusClient lists the clients (learn.microsoft.com/powershell/module/nps/get-npsradiusclient).
    $clients = $null
    if (-not (Test-NpsModuleLogged)) {
        Import-Module NPS
        $ours = @(Get-NpsRadiusClient | Where-Object { $_.Name -match $OwnedClientPattern })
        $clients = [ordered]@{ total = $ours.Count; enabled = @($ours | Where-Object { $_.Enabled }).Count }
    }
    $policies = New-Object 'System.Collections.Generic.List[string]'
    foreach ($pair in $script:OwnedPolicySuffixes) {
        # netsh nps show crp|np name=<name> (cc732464) exits non-zero for a policy that does not exist;
        # 'Continue' keeps a native stderr line from becoming a terminating error before the exit code is read.
        $name = $NamePrefix + $pair[1]
        $ErrorActionPreference = 'Continue'
        $null = (& netsh.exe nps show $pair[0] ('name=' + $name) 2>&1 | Out-String)
        $exitCode = $LASTEXITCODE
        $ErrorActionPreference = 'Stop'
        if ($exitCode -eq 0) {
            $policies.Add($name)
        }
    }
    return @{ Clients = $clients; Policies = $policies }
}

function Get-HealthReport {
    param([Parameter(Mandatory)][string] $NamePrefix, [Parameter(Mandatory)][datetime] $Since, [Parameter(Mandatory)][datetime] $Until)
    if (-not (Get-Service -Name IAS -ErrorAction SilentlyContinue)) {
        throw (New-HealthFailure -Name 'NpsRoleMissing' -Message 'the Network Policy Server role (service IAS) is not installed on this server.')
    }
    $ownedClientPattern = '^' + $NamePrefix + $script:OwnedClientSuffix + '$'
    # The extension's settings ("Advanced configuration options for the NPS extension for MFA",
    # learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced; number matching:
    # learn.microsoft.com/entra/identity/authentication/how-to-mfa-number-match).
    $settings = 'HKLM:\SOFTWARE\Microsoft\AzureMfa'
    $tenantId = Read-RegistryText -Path $settings -Name 'TENANT_ID'
    $allowList = Read-RegistryText -Path $settings -Name 'IP_WHITELIST'
    $ias = Get-IasState
    # What radius-sync keeps on the host (sync-nps.ps1): a restart owed means IAS runs an older push.
    $marker = 'HKLM:\SOFTWARE\radius-sync\' + $NamePrefix
    $owned = Get-OwnedNpsState -NamePrefix $NamePrefix -OwnedClientPattern $ownedClientPattern
    # BlastRADIUS (KB5040268): server-wide settings under the IAS parameters, where the update added them.
    $iasParameters = 'HKLM:\SYSTEM\CurrentControlSet\Services\IAS\Parameters'
    $report = [ordered]@{
        radiusSyncHealth = 1
        roleInstalled    = $true
        iasRunning       = [bool] $ias.Running
        extension        = [ordered]@{
            registered                    = (Test-ExtensionRegistered)
            loaded                        = [bool] $ias.Loaded
            version                       = (Get-ExtensionVersion)
            tenantId                      = $tenantId
            requireUserMatch              = (Read-RegistryText -Path $settings -Name 'REQUIRE_USER_MATCH')
            overrideNumberMatchingWithOtp = (Read-RegistryText -Path $settings -Name 'OVERRIDE_NUMBER_MATCHING_WITH_OTP')
            ipWhitelist                   = @(([string] $allowList).Split(';') | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' })
        }
        certificates     = (Get-ExtensionCertificate -TenantId $tenantId)
        marker           = [ordered]@{
            restartOwed  = -not [string]::IsNullOrEmpty((Read-RegistryValue -Path $marker -Name 'RestartOwed'))
            doorClosed   = -not [string]::IsNullOrEmpty((Read-RegistryValue -Path $marker -Name 'DoorClosed'))
            lastSequence = [string] (Read-RegistryValue -Path $marker -Name 'LastSequence')
        }
        ourClients       = $owned.Clients
        ourPolicies      = @($owned.Policies)
        blastRadius      = [ordered]@{
            requireMsgAuth  = (Read-RegistryText -Path $iasParameters -Name 'requireMsgAuth')
            limitProxyState = (Read-RegistryText -Path $iasParameters -Name 'limitProxyState')
        }
        outcomesSince    = $Since.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
        outcomes         = (Get-OutcomeCount -Since $Since -Until $Until -OwnedClientPattern $ownedClientPattern)
    }
    return $report
}

function Invoke-NpsHealth {
    try {
        $namePrefix = Get-HealthParameter -Name 'NamePrefix'
        $culture = [System.Globalization.CultureInfo]::InvariantCulture
        $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal
        $since = [datetime]::Parse((Get-HealthParameter -Name 'Since'), $culture, $styles)
        $until = [datetime]::Parse((Get-HealthParameter -Name 'Until'), $culture, $styles)
        $mutex = Enter-NpsHostLock
        try {
            $report = Get-HealthReport -NamePrefix $namePrefix -Since $since -Until $until
        }
        finally {
            $mutex.ReleaseMutex()
            $mutex.Dispose()
        }
        [Console]::Out.WriteLine((ConvertTo-Json -InputObject $report -Depth 6 -Compress))
    }
    catch {
        $name = 'NpsHealthCheckFailed'
        if ($null -ne $_.Exception.Data['RadiusSyncError']) {
            $name = [string] $_.Exception.Data['RadiusSyncError']
        }
        [Console]::Error.WriteLine(('radius-sync NPS health failed [{0}]: {1}' -f $name, $_.Exception.Message))
        exit 1
    }
}

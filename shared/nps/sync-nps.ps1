<#
.SYNOPSIS
    radius-sync's NPS applier: checks this server's prerequisites (closing radius-sync's door when MFA
    cannot be enforced), makes radius-sync's RADIUS clients and policies match the rendered desired
    state without a moment where our clients' requests meet no policy of ours, restarts NPS when it
    must, then prints ONE JSON summary line of bounded size.
.DESCRIPTION
    TypeScript decides everything (shared/core/nps-policies.ts, shared/nps/render-parameters.ts); this
    script checks the prerequisites, compares the desired state with what NPS has, applies the
    difference and reports. It touches only clients whose name matches "^<NamePrefix><OwnedClientSuffix>$"
    and the policies named "<NamePrefix><suffix>" or "<NamePrefix><suffix><StagedPolicySuffix>"
    ($script:OwnedClientSuffix, $script:OwnedPolicySuffixes, $script:StagedPolicySuffix and
    $script:NetshLayout are rendered into the SSM document from shared/core/naming-patterns.cjs and
    shared/nps/netsh-layout.cjs, the one place each is written).
    Every parameter arrives as an environment variable SSM_<Name> (interpolationType ENV_VAR, SSM Agent
    3.3.2746.0 or later): no value is ever part of this script's text.
    The shared secret is read HERE, with the instance role: it never travels in the command and is never
    written to output, files or errors (the error handler redacts it).
    What must survive a killed command lives on the host, under HKLM:\SOFTWARE\radius-sync\<NamePrefix>:
    RestartOwed (a change NPS has not loaded yet: the next command restarts IAS), DoorClosed (our clients
    were disabled because MFA could not be enforced), LastSequence (the newest push applied: an older
    command that starts late is refused) and EnabledStateText (how netsh spells an enabled policy here).
    Written for Windows PowerShell 5.1, which aws:runPowerShellScript runs (powershell.exe): no
    PowerShell 7 syntax and no .NET Core-only APIs; test/unit/nps-script-static.test.ts checks both.
    Failures print "radius-sync NPS sync failed [<ErrorName>]: <why>" on stderr and exit 1; the workflow
    raises the named error (shared/steps/nps-command.ts).
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# Values that must never leave this process; Invoke-NpsSync's error handler removes them from messages.
$script:RedactedValues = New-Object 'System.Collections.Generic.List[string]'
# The modules whose cmdlets are given or return the shared secret.
$script:SecretModules = @('NPS', 'AWS.Tools.SecretsManager', 'AWS.Tools.Common', 'AWSPowerShell')

function New-SyncFailure {
    param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Message)
    # The name is one of shared/errors.ts's error names: the workflow fails with exactly that error.
    $exception = New-Object System.InvalidOperationException -ArgumentList $Message
    $exception.Data['RadiusSyncError'] = $Name
    return $exception
}

function Get-DocumentParameterSet {
    # interpolationType ENV_VAR: "the system creates an environment variable named SSM_parameter-name"
    # (docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html).
    # Windows keeps no empty variable, so an optional parameter left empty is simply absent.
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable('SSM_SecretArn'))) {
        throw (New-SyncFailure -Name 'SsmAgentOutdated' -Message 'the SSM Agent passed no SSM_ environment variables: radius-sync needs SSM Agent 3.3.2746.0 or later (interpolationType ENV_VAR); update the agent (AWS-UpdateSSMAgent) and run again.')
    }
    $set = @{}
    foreach ($name in $script:DocumentParameterNames) {
        $value = [Environment]::GetEnvironmentVariable('SSM_' + $name)
        if ($null -ne $value) {
            $set[$name] = $value
        }
    }
    return $set
}

function Enter-NpsHostLock {
    # One radius-sync command at a time on this server, whichever stage or execution sent it. The
    # system releases a mutex whose holder died (a killed command): the next waiter gets it abandoned.
    $mutex = New-Object System.Threading.Mutex -ArgumentList @($false, 'Global\radius-sync-nps')
    try {
        $acquired = $mutex.WaitOne([TimeSpan]::FromSeconds(120))
    }
    catch [System.Threading.AbandonedMutexException] {
        $acquired = $true
    }
    if (-not $acquired) {
        $mutex.Dispose()
        throw (New-SyncFailure -Name 'NpsHostBusy' -Message 'another radius-sync command has been running on this server for over 120 seconds; nothing was changed.')
    }
    return $mutex
}

function Get-SyncMarker {
    param([Parameter(Mandatory)][string] $NamePrefix)
    $path = 'HKLM:\SOFTWARE\radius-sync\' + $NamePrefix
    $marker = @{ Path = $path; RestartOwed = ''; DoorClosed = ''; LastSequence = ''; EnabledStateText = '' }
    if (Test-Path -LiteralPath $path) {
        $key = Get-Item -LiteralPath $path
        foreach ($name in @('RestartOwed', 'DoorClosed', 'LastSequence', 'EnabledStateText')) {
            $value = $key.GetValue($name)
            if ($null -ne $value) {
                $marker[$name] = [string] $value
            }
        }
    }
    return $marker
}

function Set-SyncMarkerValue {
    param([Parameter(Mandatory)] $Marker, [Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Value)
    if (-not (Test-Path -LiteralPath $Marker.Path)) {
        $null = New-Item -Path $Marker.Path -Force
    }
    $null = New-ItemProperty -LiteralPath $Marker.Path -Name $Name -Value $Value -PropertyType String -Force
    $Marker[$Name] = $Value
}

function Clear-SyncMarkerValue {
    param([Parameter(Mandatory)] $Marker, [Parameter(Mandatory)][string] $Name)
    if ($Marker[$Name] -ne '') {
        Remove-ItemProperty -LiteralPath $Marker.Path -Name $Name
        $Marker[$Name] = ''
    }
}

function Register-PendingRestart {
    param([Parameter(Mandatory)] $Marker)
    # Written BEFORE each change: NPS loads clients at start-up ("The NPS Server service must be restarted
    # after you run the New-NpsRadiusClient cmdlet", learn.microsoft.com/powershell/module/nps/new-npsradiusclient),
    # so a command killed after a change and before the restart leaves the debt here for the next one.
    if ($Marker.RestartOwed -eq '') {
        Set-SyncMarkerValue -Marker $Marker -Name 'RestartOwed' -Value ([DateTime]::UtcNow.ToString('o'))
    }
}

function Assert-CommandSequence {
    param([Parameter(Mandatory)] $Marker, [Parameter(Mandatory)][string] $Sequence)
    # A command that starts late (SSM's TimeoutSeconds only bounds delivery) must not undo a newer one.
    if ($Marker.LastSequence -ne '' -and [string]::CompareOrdinal($Sequence, $Marker.LastSequence) -lt 0) {
        throw (New-SyncFailure -Name 'NpsCommandSuperseded' -Message ('this command is push {0}, older than push {1}, which this server already applied; nothing was changed.' -f $Sequence, $Marker.LastSequence))
    }
}

function Test-OwnedClientName {
    param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $NamePrefix)
    # Case-insensitive, as naming.ts and the policies' Client-Friendly-Name condition match it.
    return $Name -match ('^' + $NamePrefix + $script:OwnedClientSuffix + '$')
}

function ConvertFrom-ClientList {
    param([Parameter(Mandatory)][string] $Clients, [Parameter(Mandatory)][string] $NamePrefix)
    $desired = New-Object 'System.Collections.Generic.SortedDictionary[string,string]' ([System.StringComparer]::Ordinal)
    $addresses = New-Object 'System.Collections.Generic.HashSet[string]' ([System.StringComparer]::Ordinal)
    foreach ($pair in $Clients.Split(',')) {
        $parts = $pair.Split('=')
        if (-not (Test-OwnedClientName -Name $parts[0] -NamePrefix $NamePrefix)) {
            throw ('Client {0} is not a name radius-sync owns, so it would not be recognised as ours.' -f $parts[0])
        }
        if ($desired.ContainsKey($parts[0]) -or -not $addresses.Add($parts[1])) {
            throw ('Client {0} or address {1} is listed twice.' -f $parts[0], $parts[1])
        }
        $desired[$parts[0]] = $parts[1]
    }
    return , $desired
}

function Read-RegistryKey {
    param([Parameter(Mandatory)][string] $Path)
    # $null only when the key definitely does not exist; a key that cannot be read throws, so a check
    # that could not run is never taken for a finding.
    if (-not (Test-Path -LiteralPath $Path)) {
        return $null
    }
    return Get-Item -LiteralPath $Path
}

function Get-NpsPrerequisiteFinding {
    param([Parameter(Mandatory)][string] $AcknowledgedIpWhitelist)
    # Each finding: the error it raises, why, and whether it is definite proof that this server would let
    # our clients' users in without MFA (then radius-sync closes its door before it reports).
    $findings = New-Object 'System.Collections.Generic.List[object]'
    if (-not (Get-Service -Name IAS -ErrorAction SilentlyContinue) -or -not (Get-Module -ListAvailable -Name NPS)) {
        $findings.Add(@{ Name = 'NpsRoleMissing'; Closes = $false; Message = 'the Network Policy Server role (service IAS, module NPS) is not installed on this server.' })
        return , $findings
    }
    # NPS loads extension DLLs listed in these REG_MULTI_SZ values at start-up
    # (learn.microsoft.com/windows/win32/nps/ias-setting-up-the-extension-and-authorization-dlls); the Azure
    # MFA NPS extension registers MfaNpsAuthzExt.dll and MfaNpsAuthnExt.dll there
    # (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-errors).
    $registered = Read-RegistryKey -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\AuthSrv\Parameters'
    foreach ($pair in @(@('AuthorizationDLLs', 'MfaNpsAuthzExt.dll'), @('ExtensionDLLs', 'MfaNpsAuthnExt.dll'))) {
        $listed = @()
        if ($null -ne $registered -and $null -ne $registered.GetValue($pair[0])) {
            $listed = @($registered.GetValue($pair[0]))
        }
        $present = @($listed | Where-Object { [System.IO.Path]::GetFileName([string] $_) -eq $pair[1] -and (Test-Path -LiteralPath ([string] $_) -PathType Leaf) })
        if ($present.Count -eq 0) {
            $findings.Add(@{ Name = 'NpsMfaExtensionMissing'; Closes = $true; Message = ('the Azure MFA NPS extension is not registered: {0} lists no existing {1}, so NPS would answer without MFA.' -f $pair[0], $pair[1]) })
            return , $findings
        }
    }
    # REQUIRE_USER_MATCH FALSE lets users without MFA registration in; IP_WHITELIST skips MFA for requests
    # whose NAS-IP-Address is listed ("Advanced configuration options for the NPS extension for MFA",
    # learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-advanced). What Directory
    # Service sends as NAS-IP-Address is not documented, so every entry the configuration has not
    # acknowledged is a possible bypass.
    $settings = Read-RegistryKey -Path 'HKLM:\SOFTWARE\Microsoft\AzureMfa'
    if ($null -eq $settings) {
        $findings.Add(@{ Name = 'NpsMfaExtensionMissing'; Closes = $true; Message = 'the Azure MFA NPS extension has no settings (HKLM:\SOFTWARE\Microsoft\AzureMfa): run its configuration script.' })
        return , $findings
    }
    $match = $settings.GetValue('REQUIRE_USER_MATCH')
    if ($null -ne $match -and ([string] $match).Trim() -eq 'FALSE') {
        $findings.Add(@{ Name = 'NpsMfaExtensionBypassed'; Closes = $true; Message = 'REQUIRE_USER_MATCH is FALSE under HKLM:\SOFTWARE\Microsoft\AzureMfa: users without MFA registration would be let in without MFA. Remove the value or set it to TRUE.' })
    }
    $allowList = $settings.GetValue('IP_WHITELIST')
    if ($null -ne $allowList) {
        $acknowledged = @($AcknowledgedIpWhitelist.Split(',') | Where-Object { $_ -ne '' })
        $unknown = @(([string] $allowList).Split(';') | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' -and $acknowledged -notcontains $_ })
        if ($unknown.Count -gt 0) {
            $findings.Add(@{ Name = 'NpsMfaExtensionBypassed'; Closes = $false; Message = ('IP_WHITELIST exempts requests whose NAS-IP-Address is {0} from MFA, and what Directory Service sends as NAS-IP-Address is not documented. Remove them, or acknowledge them in the npsAcknowledgedIpWhitelist setting if they are not Directory Service''s.' -f ($unknown -join ', ')) })
        }
    }
    return , $findings
}

function Get-SecretRecorder {
    # The Group Policy settings that record PowerShell activity (about_Logging_Windows; "Administrative
    # Templates: Windows PowerShell"). Module logging writes each command's parameter values to event
    # 4103, the shared secret given to New-/Set-NpsRadiusClient included, and overrides the module's own
    # LogPipelineExecutionDetails; script block logging and transcription record script text and host
    # output, which never hold the secret (this script prints none): they are reported, not refused.
    $root = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\PowerShell'
    $found = @{ Modules = @(); Others = @() }
    $moduleLogging = Read-RegistryKey -Path ($root + '\ModuleLogging')
    $names = Read-RegistryKey -Path ($root + '\ModuleLogging\ModuleNames')
    if ($null -ne $moduleLogging -and [string] $moduleLogging.GetValue('EnableModuleLogging') -eq '1' -and $null -ne $names) {
        $patterns = @($names.GetValueNames() | ForEach-Object { [string] $names.GetValue($_) })
        $found.Modules = @($script:SecretModules | Where-Object { $module = $_; @($patterns | Where-Object { $module -like $_ }).Count -gt 0 })
    }
    foreach ($pair in @(@('ScriptBlockLogging', 'EnableScriptBlockLogging', 'scriptBlockLogging'), @('Transcription', 'EnableTranscripting', 'transcription'))) {
        $key = Read-RegistryKey -Path ($root + '\' + $pair[0])
        if ($null -ne $key -and [string] $key.GetValue($pair[1]) -eq '1') {
            $found.Others += $pair[2]
        }
    }
    return $found
}

function Import-SecretsManagerModule {
    # AWS.Tools.SecretsManager is the modular package; AWSPowerShell is the monolithic one that AWS's
    # Windows AMIs ship. Both provide Get-SECSecretValue.
    foreach ($moduleName in @('AWS.Tools.SecretsManager', 'AWSPowerShell')) {
        if (Get-Module -ListAvailable -Name $moduleName) {
            return (Import-Module -Name $moduleName -PassThru)
        }
    }
    throw 'Neither AWS.Tools.SecretsManager nor AWSPowerShell is installed on this NPS server: install one, for example with Install-Module -Name AWS.Tools.SecretsManager -Scope AllUsers.'
}

function Disable-PipelineLogging {
    param([Parameter(Mandatory)] $Module)
    # Module logging records each command's parameter values for modules whose LogPipelineExecutionDetails
    # is true (about_Logging_Windows); Get-SecretRecorder has refused a Group Policy that forces it on.
    foreach ($item in @($Module)) {
        $item.LogPipelineExecutionDetails = $false
    }
}

function Get-RadiusSharedSecret {
    param(
        [Parameter(Mandatory)][string] $SecretArn,
        [Parameter(Mandatory)][string] $SecretVersion,
        [Parameter(Mandatory)][string] $Region
    )
    $request = @{ SecretId = $SecretArn; Region = $Region }
    # A staging label selects by stage; anything else the patterns allow is a version id.
    if ($SecretVersion -ceq 'AWSCURRENT' -or $SecretVersion -ceq 'AWSPENDING') {
        $request['VersionStage'] = $SecretVersion
    }
    else {
        $request['VersionId'] = $SecretVersion
    }
    $response = Get-SECSecretValue @request
    $sharedSecret = [string] $response.SecretString
    if ([string]::IsNullOrEmpty($sharedSecret)) {
        throw ('Secret {0} version {1} has no SecretString.' -f $SecretArn, $SecretVersion)
    }
    $script:RedactedValues.Add($sharedSecret)
    return $sharedSecret
}

function Close-NpsDoor {
    param([Parameter(Mandatory)] $Marker, [Parameter(Mandatory)][string] $NamePrefix, [Parameter(Mandatory)][string] $Reason)
    # MFA cannot be enforced here: our clients are disabled, so NPS discards their requests ("Managing
    # RADIUS Clients", cc754717) instead of answering them without MFA. Foreign clients are untouched.
    Disable-PipelineLogging -Module (Import-Module -Name NPS -PassThru)
    $open = @(Get-NpsRadiusClient | Where-Object { (Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix) -and [bool] $_.Enabled })
    foreach ($client in $open) {
        Register-PendingRestart -Marker $Marker
        $null = Set-NpsRadiusClient -Name $client.Name -Enabled $false
    }
    Set-SyncMarkerValue -Marker $Marker -Name 'DoorClosed' -Value $Reason
    if ($Marker.RestartOwed -ne '') {
        Restart-NpsService
        Clear-SyncMarkerValue -Marker $Marker -Name 'RestartOwed'
    }
    return $open.Count
}

function Sync-RadiusClientSet {
    param(
        [Parameter(Mandatory)] $Desired,
        [Parameter(Mandatory)] $Marker,
        [Parameter(Mandatory)][string] $NamePrefix,
        [Parameter(Mandatory)][string] $SharedSecret,
        [Parameter(Mandatory)][bool] $RequireAuthenticator
    )
    $result = [ordered]@{ created = 0; updated = 0; removed = 0; kept = 0 }
    # Captured in a variable, never emitted: the client objects carry their shared secrets.
    $ours = @(Get-NpsRadiusClient | Where-Object { Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix })
    # Removals first, so a client that moved to a new name can take its address again.
    foreach ($client in $ours) {
        if (-not $Desired.ContainsKey($client.Name)) {
            Register-PendingRestart -Marker $Marker
            Remove-NpsRadiusClient -Name $client.Name
            $result.removed += 1
        }
    }
    foreach ($name in $Desired.Keys) {
        $current = @($ours | Where-Object { $_.Name -ceq $name })
        if ($current.Count -eq 0) {
            Register-PendingRestart -Marker $Marker
            $null = New-NpsRadiusClient -Name $name -Address $Desired[$name] -SharedSecret $SharedSecret -AuthAttributeRequired $RequireAuthenticator
            $result.created += 1
        }
        elseif (-not (Test-ClientAgreement -Client $current[0] -Address $Desired[$name] -SharedSecret $SharedSecret -RequireAuthenticator $RequireAuthenticator)) {
            Register-PendingRestart -Marker $Marker
            $null = Set-NpsRadiusClient -Name $name -Address $Desired[$name] -SharedSecret $SharedSecret -Enabled $true -AuthAttributeRequired $RequireAuthenticator
            $result.updated += 1
        }
        else {
            $result.kept += 1
        }
    }
    return $result
}

function Test-SameAddress {
    param([AllowEmptyString()][string] $Held, [Parameter(Mandatory)][string] $Wanted)
    # radius-sync sends IPv6 client addresses in RFC 5952 form; NPS may hold one in another textual
    # form, so two IPv6 addresses are compared as addresses, not as text. Anything else (IPv4, a DNS
    # name of a client we do not own) is compared as written.
    $heldAddress = $null
    $wantedAddress = $null
    if ($Held.Contains(':') -and $Wanted.Contains(':') -and [System.Net.IPAddress]::TryParse($Held, [ref] $heldAddress) -and [System.Net.IPAddress]::TryParse($Wanted, [ref] $wantedAddress)) {
        return $heldAddress.Equals($wantedAddress)
    }
    return $Held -eq $Wanted
}

function Assert-AddressFree {
    param([Parameter(Mandatory)] $Desired, [Parameter(Mandatory)][string] $NamePrefix)
    # Never touch a client we do not own: if one holds an address we need, stop before any change.
    $foreign = @(Get-NpsRadiusClient | Where-Object { -not (Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix) })
    foreach ($client in $foreign) {
        if (@($Desired.Values | Where-Object { Test-SameAddress -Held ([string] $client.Address) -Wanted $_ }).Count -gt 0) {
            throw ('RADIUS client {0} is not managed by radius-sync but uses address {1}, which radius-sync needs; remove or re-address it. Nothing was changed.' -f $client.Name, $client.Address)
        }
    }
}

function Test-ClientAgreement {
    param(
        [Parameter(Mandatory)] $Client,
        [Parameter(Mandatory)][string] $Address,
        [Parameter(Mandatory)][string] $SharedSecret,
        [Parameter(Mandatory)][bool] $RequireAuthenticator
    )
    return (Test-SameAddress -Held ([string] $Client.Address) -Wanted $Address) -and [bool] $Client.Enabled -and ([bool] $Client.AuthAttributeRequired -eq $RequireAuthenticator) -and [string]::Equals([string] $Client.SharedSecret, $SharedSecret, [System.StringComparison]::Ordinal)
}

function Invoke-Netsh {
    param([Parameter(Mandatory)][string[]] $Arguments, [switch] $AllowFailure)
    # netsh writes errors to stdout and sets an exit code; 'Continue' keeps Windows PowerShell 5.1 from
    # turning a native stderr line into a terminating error before we can read the exit code.
    $ErrorActionPreference = 'Continue'
    $output = (& netsh.exe @Arguments 2>&1 | Out-String).Trim()
    $exitCode = $LASTEXITCODE
    if ($exitCode -ne 0 -and -not $AllowFailure) {
        throw ('netsh {0} failed with exit code {1}: {2}' -f ($Arguments[0..3] -join ' '), $exitCode, $output)
    }
    return [pscustomobject]@{ ExitCode = $exitCode; Output = $output }
}

function ConvertTo-ComparableValue {
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Value)
    # One spelling per value: netsh takes 0x1 and may print 1 or "0x1"; TRUE and True are one boolean.
    $text = $Value.Trim().Trim('"')
    if ($text -match '^0x[0-9A-Fa-f]+$') {
        return [string] [Convert]::ToInt64($text.Substring(2), 16)
    }
    if ($text -match '^(true|false)$') {
        return $text.ToUpperInvariant()
    }
    return $text
}

function Read-NpsPolicy {
    param([Parameter(Mandatory)][string] $Kind, [Parameter(Mandatory)][string] $Name)
    # netsh nps show crp|np name=<name> (cc732464, cc755242), read by its layout alone
    # ($script:NetshLayout, shared/nps/netsh-layout.cjs): its labels are in the system's language.
    # Anything unreadable counts as different, and the policy is then replaced: never wrong, at worst a restart.
    $shown = Invoke-Netsh -Arguments @('nps', 'show', $Kind, ('name=' + $Name)) -AllowFailure
    if ($shown.ExitCode -ne 0) {
        return $null
    }
    $section = 0
    $header = New-Object 'System.Collections.Generic.List[string]'
    $attributes = @{ 2 = (New-Object 'System.Collections.Generic.List[string]'); 3 = (New-Object 'System.Collections.Generic.List[string]') }
    foreach ($line in ($shown.Output -split "`r?`n")) {
        if ($line -match $script:NetshLayout.sectionRule) {
            $section += 1
        }
        elseif ($section -eq 1 -and $line -match $script:NetshLayout.headerLine) {
            $header.Add($Matches[1])
        }
        elseif ($section -ge 2 -and $section -le 3 -and $line -match $script:NetshLayout.attributeLine) {
            $id = $Matches[1].ToLowerInvariant()
            foreach ($token in [regex]::Matches($Matches[2], $script:NetshLayout.valueToken)) {
                $attributes[$section].Add($id + '=' + (ConvertTo-ComparableValue -Value $token.Value))
            }
        }
    }
    if ($header.Count -lt 3 -or $header[0] -ne $Name) {
        if (-not $shown.Output.Contains($Name)) {
            return $null
        }
        return [pscustomobject]@{ State = ''; Order = ''; Conditions = @(); Profile = @() }
    }
    return [pscustomobject]@{
        State      = $header[1]
        Order      = $header[2]
        Conditions = @($attributes[2] | Sort-Object)
        Profile    = @($attributes[3] | Sort-Object)
    }
}

function Test-PolicyAgreement {
    param([Parameter(Mandatory)] $Actual, [Parameter(Mandatory)] $Desired, [Parameter(Mandatory)][AllowEmptyString()][string] $EnabledText)
    # The state is compared with how this server printed a policy radius-sync added enabled; before
    # radius-sync has seen that once, no state counts as enabled.
    $conditions = @($Desired.conditions | ForEach-Object { $_[0] + '=' + (ConvertTo-ComparableValue -Value $_[1]) } | Sort-Object)
    if ($EnabledText -eq '' -or $Actual.State -cne $EnabledText -or $Actual.Order -ne [string] $Desired.order -or (@($Actual.Conditions) -join "`n") -cne ($conditions -join "`n")) {
        return $false
    }
    # Every profile attribute we set must hold exactly our values; attributes NPS adds by itself are left alone.
    foreach ($id in @($Desired.profile | ForEach-Object { $_[0] } | Sort-Object -Unique)) {
        $wanted = @($Desired.profile | Where-Object { $_[0] -eq $id } | ForEach-Object { $id + '=' + (ConvertTo-ComparableValue -Value $_[1]) } | Sort-Object)
        $held = @($Actual.Profile | Where-Object { $_.StartsWith($id + '=') })
        if (($held -join "`n") -cne ($wanted -join "`n")) {
            return $false
        }
    }
    return $true
}

function Add-NpsPolicy {
    param([Parameter(Mandatory)] $Policy, [Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)] $Marker)
    $arguments = @('nps', 'add', $Policy.kind, ('name=' + $Name), 'state=ENABLE', ('processingorder=' + $Policy.order), 'policysource=0')
    foreach ($condition in $Policy.conditions) {
        $arguments += @(('conditionid=' + $condition[0]), ('conditiondata=' + $condition[1]))
    }
    # One profileid followed by each of its values, as netsh takes a multi-valued attribute.
    foreach ($id in @($Policy.profile | ForEach-Object { $_[0] } | Select-Object -Unique)) {
        $arguments += ('profileid=' + $id)
        $arguments += @($Policy.profile | Where-Object { $_[0] -eq $id } | ForEach-Object { 'profiledata=' + $_[1] })
    }
    Register-PendingRestart -Marker $Marker
    $null = Invoke-Netsh -Arguments $arguments
    # How this server prints the state of a policy added with state=ENABLE: remembered, never guessed.
    $added = Read-NpsPolicy -Kind $Policy.kind -Name $Name
    if ($null -ne $added -and $added.State -ne '' -and $Marker.EnabledStateText -cne $added.State) {
        Set-SyncMarkerValue -Marker $Marker -Name 'EnabledStateText' -Value $added.State
    }
}

function Remove-NpsPolicy {
    param([Parameter(Mandatory)][string] $Kind, [Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)] $Marker)
    Register-PendingRestart -Marker $Marker
    $null = Invoke-Netsh -Arguments @('nps', 'delete', $Kind, ('name=' + $Name))
}

function Sync-NpsPolicy {
    param([Parameter(Mandatory)] $Policy, [Parameter(Mandatory)] $Marker)
    # Replaced without a gap: the new one is added under its staged name at the wanted processing order
    # (above the old one), the old one removed, the new one renamed. A staged policy a killed command
    # left behind is finished when it is what is wanted, else removed first (the old one then decides).
    $staged = $Policy.name + $script:StagedPolicySuffix
    $next = Read-NpsPolicy -Kind $Policy.kind -Name $staged
    if ($null -ne $next -and -not (Test-PolicyAgreement -Actual $next -Desired $Policy -EnabledText $Marker.EnabledStateText)) {
        Remove-NpsPolicy -Kind $Policy.kind -Name $staged -Marker $Marker
        $next = $null
    }
    $current = Read-NpsPolicy -Kind $Policy.kind -Name $Policy.name
    if ($null -eq $next -and $null -ne $current -and (Test-PolicyAgreement -Actual $current -Desired $Policy -EnabledText $Marker.EnabledStateText)) {
        return $false
    }
    if ($null -eq $next -and $null -eq $current) {
        Add-NpsPolicy -Policy $Policy -Name $Policy.name -Marker $Marker
        return $true
    }
    if ($null -eq $next) {
        Add-NpsPolicy -Policy $Policy -Name $staged -Marker $Marker
    }
    if ($null -ne $current) {
        Remove-NpsPolicy -Kind $Policy.kind -Name $Policy.name -Marker $Marker
    }
    Register-PendingRestart -Marker $Marker
    $null = Invoke-Netsh -Arguments @('nps', 'rename', $Policy.kind, ('name=' + $staged), ('newname=' + $Policy.name))
    return $true
}

function Sync-NpsPolicySet {
    param([Parameter(Mandatory)] $Policies, [Parameter(Mandatory)][string] $NamePrefix, [Parameter(Mandatory)] $Marker)
    $changed = New-Object 'System.Collections.Generic.List[string]'
    # Network policies first (NPS evaluates none while our connection request policy accepts without
    # validating), then the connection request policy, then the network policies this mode no longer
    # wants: a switch of access mode never leaves our clients' requests to someone else's policy.
    foreach ($kind in @('np', 'crp')) {
        foreach ($policy in @($Policies | Where-Object { $_.kind -eq $kind })) {
            if (Sync-NpsPolicy -Policy $policy -Marker $Marker) {
                $changed.Add($policy.name)
            }
        }
    }
    foreach ($owned in $script:OwnedPolicySuffixes) {
        $name = $NamePrefix + $owned[1]
        if (@($Policies | Where-Object { $_.kind -eq $owned[0] -and $_.name -eq $name }).Count -gt 0) {
            continue
        }
        foreach ($candidate in @(($name + $script:StagedPolicySuffix), $name)) {
            if ($null -ne (Read-NpsPolicy -Kind $owned[0] -Name $candidate)) {
                Remove-NpsPolicy -Kind $owned[0] -Name $candidate -Marker $Marker
                if (-not $changed.Contains($name)) {
                    $changed.Add($name)
                }
            }
        }
    }
    return , $changed
}

function Get-PolicyDisagreement {
    param([Parameter(Mandatory)] $Policies, [Parameter(Mandatory)] $Marker)
    # Read back after applying: the names of our policies NPS does not hold as wanted.
    return @($Policies | Where-Object {
            $actual = Read-NpsPolicy -Kind $_.kind -Name $_.name
            $null -eq $actual -or -not (Test-PolicyAgreement -Actual $actual -Desired $_ -EnabledText $Marker.EnabledStateText)
        } | ForEach-Object { $_.name })
}

function Resolve-GroupSid {
    param([Parameter(Mandatory)][string] $AdGroup)
    # Resolved on the host, against its own domain: the Lambda never needs directory access.
    $separator = $AdGroup.IndexOf('\')
    $account = New-Object System.Security.Principal.NTAccount -ArgumentList @($AdGroup.Substring(0, $separator), $AdGroup.Substring($separator + 1))
    try {
        return $account.Translate([System.Security.Principal.SecurityIdentifier]).Value
    }
    catch {
        throw ('AD group {0} could not be resolved to a SID on this server: {1}' -f $AdGroup, $_.Exception.Message)
    }
}

function Restart-NpsService {
    # NPS reads clients at start-up ("The NPS Server service must be restarted after you run the
    # New-NpsRadiusClient cmdlet", learn.microsoft.com/powershell/module/nps/new-npsradiusclient). A restart
    # that fails half-way may leave the service stopped: start it again and wait until it runs.
    try {
        Restart-Service -Name IAS
    }
    catch {
        Start-Service -Name IAS
    }
    $service = Get-Service -Name IAS
    try {
        $service.WaitForStatus([System.ServiceProcess.ServiceControllerStatus]::Running, [TimeSpan]::FromSeconds(60))
    }
    catch {
        throw ('NPS (service IAS) is {0}, not Running, after the restart: {1}' -f $service.Status, $_.Exception.Message)
    }
}

function Get-RadiusPortSet {
    # The UDP ports the process running IAS listens on (Get-NetUDPEndpoint, NetTCPIP module), so the
    # workflow can check radiusPort against them; empty when they cannot be read.
    try {
        $processId = (Get-CimInstance -ClassName Win32_Service -Filter "Name='IAS'").ProcessId
        if ($processId -eq 0) {
            return @()
        }
        return @(Get-NetUDPEndpoint -OwningProcess $processId | ForEach-Object { [int] $_.LocalPort } | Sort-Object -Unique | Select-Object -First 20)
    }
    catch {
        return @()
    }
}

function Get-SecretProof {
    param([Parameter(Mandatory)][string] $Nonce, [Parameter(Mandatory)][AllowEmptyString()][string] $Value)
    # HMAC-SHA256 keyed with the nonce's ASCII text over the UTF-8 secret, as lowercase hex: the Lambda
    # computes the same from the expected secret version (shared/nps/secret-proof.ts) and compares, so the
    # secret is verified without ever leaving this host.
    $key = [System.Text.Encoding]::ASCII.GetBytes($Nonce)
    $hmac = New-Object System.Security.Cryptography.HMACSHA256 -ArgumentList @(, $key)
    try {
        $digest = $hmac.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Value))
        return ([System.BitConverter]::ToString($digest) -replace '-', '').ToLowerInvariant()
    }
    finally {
        $hmac.Dispose()
    }
}

function Get-ClientSetReport {
    param(
        [Parameter(Mandatory)] $Desired,
        [Parameter(Mandatory)][string] $NamePrefix,
        [Parameter(Mandatory)][string] $SharedSecret,
        [Parameter(Mandatory)][bool] $RequireAuthenticator,
        [Parameter(Mandatory)][AllowEmptyString()][string] $Nonce
    )
    # Read back what NPS now holds, so the report covers the configured clients, not the ones we meant
    # to set. Bounded output whatever the estate: SSM keeps only the first 24,000 characters of stdout.
    $held = New-Object 'System.Collections.Generic.SortedDictionary[string,object]' ([System.StringComparer]::Ordinal)
    $configured = @(Get-NpsRadiusClient | Where-Object { Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix })
    foreach ($client in $configured) {
        $held[$client.Name] = $client
    }
    $disagreeing = New-Object 'System.Collections.Generic.SortedSet[string]' ([System.StringComparer]::Ordinal)
    foreach ($name in $Desired.Keys) {
        if (-not $held.ContainsKey($name)) {
            $null = $disagreeing.Add($name)
        }
    }
    # One line per client as NPS holds it: name, address and the proof of its configured secret. The
    # Lambda builds the same lines from the desired list and the expected secret version, so one proof
    # over all lines binds what NPS holds to that version.
    $lines = New-Object 'System.Collections.Generic.List[string]'
    foreach ($name in $held.Keys) {
        $client = $held[$name]
        if (-not $Desired.ContainsKey($name) -or -not (Test-ClientAgreement -Client $client -Address $Desired[$name] -SharedSecret $SharedSecret -RequireAuthenticator $RequireAuthenticator)) {
            $null = $disagreeing.Add($name)
        }
        if ($Nonce -ne '') {
            # The address as radius-sync wrote it when NPS holds the same one in another form.
            $listed = [string] $client.Address
            if ($Desired.ContainsKey($name) -and (Test-SameAddress -Held $listed -Wanted $Desired[$name])) {
                $listed = $Desired[$name]
            }
            $lines.Add(('{0}={1}={2}' -f $name, $listed, (Get-SecretProof -Nonce $Nonce -Value ([string] $client.SharedSecret))))
        }
    }
    $report = [ordered]@{
        held             = $held.Count
        disagreeingCount = $disagreeing.Count
        disagreeing      = @($disagreeing | Select-Object -First 20)
    }
    if ($Nonce -ne '') {
        $report['proof'] = Get-SecretProof -Nonce $Nonce -Value ($lines -join "`n")
    }
    return $report
}

function Hide-SecretValue {
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Text)
    foreach ($value in $script:RedactedValues) {
        $Text = $Text.Replace($value, '[redacted]')
    }
    return $Text
}

function Sync-NpsConfiguration {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][ValidatePattern('^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$')][string] $SecretArn,
        [Parameter(Mandatory)][ValidatePattern('^(AWSCURRENT|AWSPENDING|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')][string] $SecretVersion,
        [Parameter(Mandatory)][ValidatePattern('^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$')][string] $Region,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,79}=((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})(,[A-Za-z][A-Za-z0-9-]{0,79}=((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})){0,399}$')][string] $Clients,
        [Parameter(Mandatory)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,23}$')][string] $NamePrefix,
        [Parameter(Mandatory)][ValidatePattern('^(true|false)$')][string] $RequireMessageAuthenticator,
        [Parameter(Mandatory)][ValidatePattern('^\[[ -&(-_a-~]{0,3998}\]$')][string] $Policies,
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^(S-1-[0-9]{1,14}(-[0-9]{1,10}){1,15}|[^\\/:*?"<>|\x00-\x1f\x7f]{1,255}\\[^"/\\\[\]:;|=,+*?<>\x00-\x1f\x7f]{1,256})?$')][string] $AdGroup = '',
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^([0-9a-f]{32,64})?$')][string] $Nonce = '',
        [Parameter(Mandatory)][ValidatePattern('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z/[0-9]{3}$')][string] $Sequence,
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}(,(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}){0,49})?$')][string] $AcknowledgedIpWhitelist = ''
    )
    $desired = ConvertFrom-ClientList -Clients $Clients -NamePrefix $NamePrefix
    $requireAuthenticator = $RequireMessageAuthenticator -eq 'true'
    # Windows PowerShell 5.1's ConvertFrom-Json emits a JSON array as ONE object: the pipeline unrolls it.
    $policySet = @(ConvertFrom-Json -InputObject $Policies | ForEach-Object { $_ })
    $lock = Enter-NpsHostLock
    try {
        $marker = Get-SyncMarker -NamePrefix $NamePrefix
        # Fail closed: a definite finding disables our clients (and restarts IAS so that it holds) before
        # the command fails; a possible one only stops the command; nothing is changed for anyone else.
        $findings = Get-NpsPrerequisiteFinding -AcknowledgedIpWhitelist $AcknowledgedIpWhitelist
        $closing = @($findings | Where-Object { $_.Closes })
        if ($closing.Count -gt 0) {
            $closed = Close-NpsDoor -Marker $marker -NamePrefix $NamePrefix -Reason ($closing[0].Name + ': ' + $closing[0].Message)
            throw (New-SyncFailure -Name $closing[0].Name -Message ('{0} radius-sync closed its door: {1} of its RADIUS clients were disabled now, all of them are disabled until a run finds the prerequisite back.' -f $closing[0].Message, $closed))
        }
        if ($findings.Count -gt 0) {
            throw (New-SyncFailure -Name $findings[0].Name -Message ($findings[0].Message + ' Nothing was changed.'))
        }
        # Recorded before the first change, so a command older than this one is refused even if this one
        # fails half-way.
        Assert-CommandSequence -Marker $marker -Sequence $Sequence
        Set-SyncMarkerValue -Marker $marker -Name 'LastSequence' -Value $Sequence
        $recorders = Get-SecretRecorder
        if ($recorders.Modules.Count -gt 0) {
            throw (New-SyncFailure -Name 'NpsSecretLoggingEnabled' -Message ('Group Policy turns on PowerShell module logging for {0}, which would write the shared secret to event 4103. Exclude these modules from "Turn on Module Logging" (ModuleNames) and run again; nothing was changed.' -f ($recorders.Modules -join ', ')))
        }
        $groupSid = ''
        if ($AdGroup -ne '') {
            $groupSid = Resolve-GroupSid -AdGroup $AdGroup
            foreach ($condition in @($policySet | ForEach-Object { $_.conditions } | Where-Object { $_[1] -eq 'AD-GROUP-SID' })) {
                $condition[1] = $groupSid
            }
        }
        Disable-PipelineLogging -Module (Import-SecretsManagerModule)
        Disable-PipelineLogging -Module (Import-Module -Name NPS -PassThru)
        $sharedSecret = Get-RadiusSharedSecret -SecretArn $SecretArn -SecretVersion $SecretVersion -Region $Region
        $owed = $marker.RestartOwed -ne ''
        $doorWasClosed = $marker.DoorClosed -ne ''

        Assert-AddressFree -Desired $desired -NamePrefix $NamePrefix
        # Policies before clients: a client we add meets our policies from its first request.
        $policiesChanged = Sync-NpsPolicySet -Policies $policySet -NamePrefix $NamePrefix -Marker $marker
        $clientResult = Sync-RadiusClientSet -Desired $desired -Marker $marker -NamePrefix $NamePrefix -SharedSecret $sharedSecret -RequireAuthenticator $requireAuthenticator
        if ($doorWasClosed) {
            # Whatever the configuration says now, IAS may still run with our clients disabled.
            Register-PendingRestart -Marker $marker
        }
        # A restart owed by this run or by an earlier one that was killed; none when nothing changed.
        $restarted = $marker.RestartOwed -ne ''
        if ($restarted) {
            Restart-NpsService
            Clear-SyncMarkerValue -Marker $marker -Name 'RestartOwed'
        }
        Clear-SyncMarkerValue -Marker $marker -Name 'DoorClosed'
        $report = Get-ClientSetReport -Desired $desired -NamePrefix $NamePrefix -SharedSecret $sharedSecret -RequireAuthenticator $requireAuthenticator -Nonce $Nonce
        # Verified before SSM moves on to the next server (MaxConcurrency 1, MaxErrors 0): what NPS holds
        # now, read back, is what was wanted.
        $unverified = @(Get-PolicyDisagreement -Policies $policySet -Marker $marker)
        if ($report.disagreeingCount -gt 0 -or $unverified.Count -gt 0) {
            throw (New-SyncFailure -Name 'NpsSecretMismatch' -Message ('after applying, NPS still disagrees: {0} client(s) ({1}) and policies [{2}].' -f $report.disagreeingCount, ($report.disagreeing -join ', '), ($unverified -join ', ')))
        }
        # Counts, not names: the line stays a few hundred characters for any number of clients.
        $summary = [ordered]@{
            radiusSyncSummary = 3
            created           = $clientResult.created
            updated           = $clientResult.updated
            removed           = $clientResult.removed
            kept              = $clientResult.kept
            policiesChanged   = @($policiesChanged)
            restarted         = $restarted
            owedRestart       = $owed
            doorReopened      = $doorWasClosed
            restartPending    = $marker.RestartOwed -ne '' -or (Get-Service -Name IAS).Status -ne 'Running'
            ports             = @(Get-RadiusPortSet)
            recorders         = @($recorders.Others)
        }
        if ($groupSid -ne '') {
            $summary['groupSid'] = $groupSid
        }
        foreach ($key in @($report.Keys)) {
            $summary[$key] = $report[$key]
        }
        [Console]::Out.WriteLine((ConvertTo-Json -InputObject $summary -Compress -Depth 4))
    }
    finally {
        $lock.ReleaseMutex()
        $lock.Dispose()
    }
}

function Invoke-NpsSync {
    try {
        $parameters = Get-DocumentParameterSet
        Sync-NpsConfiguration @parameters
    }
    catch {
        $name = 'NpsCommandFailed'
        if ($_.Exception.Data.Contains('RadiusSyncError')) {
            $name = [string] $_.Exception.Data['RadiusSyncError']
        }
        [Console]::Error.WriteLine(('radius-sync NPS sync failed [{0}]: {1}' -f $name, (Hide-SecretValue -Text ([string] $_.Exception.Message))))
        exit 1
    }
}

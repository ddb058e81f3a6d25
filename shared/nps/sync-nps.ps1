<#
.SYNOPSIS
    radius-sync's NPS applier: checks this server's prerequisites, makes radius-sync's RADIUS clients
    and policies match the rendered desired state, then prints ONE JSON summary line of bounded size.
.DESCRIPTION
    TypeScript decides everything (shared/core/nps-policies.ts, shared/nps/render-parameters.ts); this
    script checks the prerequisites, compares the desired state with what NPS has, applies the
    difference and reports. It touches only clients whose name matches "^<NamePrefix><OwnedClientSuffix>$"
    and the policies named "<NamePrefix><suffix>" ($script:OwnedClientSuffix and
    $script:OwnedPolicySuffixes are rendered into the SSM document from shared/core/naming-patterns.cjs,
    the one place they are written).
    Every parameter arrives as an environment variable SSM_<Name> (interpolationType ENV_VAR, SSM Agent
    3.3.2746.0 or later): no value is ever part of this script's text.
    The shared secret is read HERE, with the instance role: it never travels in the command and is never
    written to output, files or errors (the error handler redacts it).
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

function New-SyncFailure {
    param([Parameter(Mandatory = $true)][string] $Name, [Parameter(Mandatory = $true)][string] $Message)
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
    param([Parameter(Mandatory = $true)] $Module)
    # Module logging (event 4103) records each command's parameter values, the shared secret included,
    # for modules whose LogPipelineExecutionDetails is true (about_Logging_Windows). A Group Policy that
    # turns module logging on for these modules overrides this: the README says to exclude them.
    foreach ($item in @($Module)) {
        $item.LogPipelineExecutionDetails = $false
    }
}

function Get-RadiusSharedSecret {
    param(
        [Parameter(Mandatory = $true)][string] $SecretArn,
        [Parameter(Mandatory = $true)][string] $SecretVersion,
        [Parameter(Mandatory = $true)][string] $Region
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

function Test-OwnedClientName {
    param([Parameter(Mandatory = $true)][string] $Name, [Parameter(Mandatory = $true)][string] $NamePrefix)
    # Case-insensitive, as naming.ts and the policies' Client-Friendly-Name condition match it.
    return $Name -match ('^' + $NamePrefix + $script:OwnedClientSuffix + '$')
}

function ConvertFrom-ClientList {
    param([Parameter(Mandatory = $true)][string] $Clients, [Parameter(Mandatory = $true)][string] $NamePrefix)
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

function Assert-NpsPrerequisite {
    param([Parameter(Mandatory = $true)][string[]] $Addresses)
    # Checked before the first change: a server that cannot enforce MFA is left exactly as it was.
    if (-not (Get-Service -Name IAS -ErrorAction SilentlyContinue) -or -not (Get-Module -ListAvailable -Name NPS)) {
        throw (New-SyncFailure -Name 'NpsRoleMissing' -Message 'the Network Policy Server role (service IAS, module NPS) is not installed on this server.')
    }
    # NPS loads extension DLLs listed in these REG_MULTI_SZ values at start-up
    # (learn.microsoft.com/windows/win32/nps/ias-setting-up-the-extension-and-authorization-dlls); the Azure
    # MFA NPS extension registers MfaNpsAuthzExt.dll and MfaNpsAuthnExt.dll there
    # (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension-errors).
    $registered = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Services\AuthSrv\Parameters' -ErrorAction SilentlyContinue
    foreach ($pair in @(@('AuthorizationDLLs', 'MfaNpsAuthzExt.dll'), @('ExtensionDLLs', 'MfaNpsAuthnExt.dll'))) {
        $listed = @()
        if ($null -ne $registered -and $null -ne $registered.PSObject.Properties[$pair[0]]) {
            $listed = @($registered.PSObject.Properties[$pair[0]].Value)
        }
        $present = @($listed | Where-Object { [System.IO.Path]::GetFileName([string] $_) -eq $pair[1] -and (Test-Path -LiteralPath ([string] $_) -PathType Leaf) })
        if ($present.Count -eq 0) {
            throw (New-SyncFailure -Name 'NpsMfaExtensionMissing' -Message ('the Azure MFA NPS extension is not registered: {0} lists no existing {1}. Without it NPS would accept these requests without MFA; install the extension and run again.' -f $pair[0], $pair[1]))
        }
    }
    # REQUIRE_USER_MATCH FALSE lets users without MFA registration in; IP_WHITELIST skips MFA for requests
    # from the listed addresses (learn.microsoft.com/entra/identity/authentication/howto-mfa-nps-extension,
    # howto-mfa-nps-extension-advanced).
    $settings = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\AzureMfa' -ErrorAction SilentlyContinue
    if ($null -eq $settings) {
        throw (New-SyncFailure -Name 'NpsMfaExtensionMissing' -Message 'the Azure MFA NPS extension has no settings (HKLM:\SOFTWARE\Microsoft\AzureMfa): run its configuration script and run again.')
    }
    $match = $settings.PSObject.Properties['REQUIRE_USER_MATCH']
    if ($null -ne $match -and ([string] $match.Value).Trim() -eq 'FALSE') {
        throw (New-SyncFailure -Name 'NpsMfaExtensionBypassed' -Message 'REQUIRE_USER_MATCH is FALSE under HKLM:\SOFTWARE\Microsoft\AzureMfa: users without MFA registration would be let in without MFA. Remove the value or set it to TRUE.')
    }
    $allowList = $settings.PSObject.Properties['IP_WHITELIST']
    if ($null -ne $allowList) {
        $exempt = @(([string] $allowList.Value).Split(';') | ForEach-Object { $_.Trim() } | Where-Object { $Addresses -contains $_ })
        if ($exempt.Count -gt 0) {
            throw (New-SyncFailure -Name 'NpsMfaExtensionBypassed' -Message ('IP_WHITELIST exempts {0} from MFA, and radius-sync''s directories send RADIUS from there. Remove these addresses from IP_WHITELIST.' -f ($exempt -join ', ')))
        }
    }
}

function Sync-RadiusClientSet {
    param(
        [Parameter(Mandatory = $true)] $Desired,
        [Parameter(Mandatory = $true)][string] $NamePrefix,
        [Parameter(Mandatory = $true)][string] $SharedSecret,
        [Parameter(Mandatory = $true)][bool] $RequireAuthenticator
    )
    $result = [ordered]@{ created = 0; updated = 0; removed = 0; kept = 0 }
    # Captured in a variable, never emitted: the client objects carry their shared secrets.
    $existing = @(Get-NpsRadiusClient)
    $ours = @($existing | Where-Object { Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix })
    $foreign = @($existing | Where-Object { -not (Test-OwnedClientName -Name $_.Name -NamePrefix $NamePrefix) })

    # Never touch a client we do not own: if one holds an address we need, stop and say so.
    foreach ($client in $foreign) {
        if ($Desired.Values -contains $client.Address) {
            throw ('RADIUS client {0} is not managed by radius-sync but uses address {1}, which radius-sync needs; remove or re-address it.' -f $client.Name, $client.Address)
        }
    }
    # Removals first, so a client that moved to a new name can take its address again.
    foreach ($client in $ours) {
        if (-not $Desired.ContainsKey($client.Name)) {
            Remove-NpsRadiusClient -Name $client.Name
            $result.removed += 1
        }
    }
    foreach ($name in $Desired.Keys) {
        $current = @($ours | Where-Object { $_.Name -ceq $name })
        if ($current.Count -eq 0) {
            $null = New-NpsRadiusClient -Name $name -Address $Desired[$name] -SharedSecret $SharedSecret -AuthAttributeRequired $RequireAuthenticator
            $result.created += 1
        }
        elseif (-not (Test-ClientAgreement -Client $current[0] -Address $Desired[$name] -SharedSecret $SharedSecret -RequireAuthenticator $RequireAuthenticator)) {
            $null = Set-NpsRadiusClient -Name $name -Address $Desired[$name] -SharedSecret $SharedSecret -Enabled $true -AuthAttributeRequired $RequireAuthenticator
            $result.updated += 1
        }
        else {
            $result.kept += 1
        }
    }
    return $result
}

function Test-ClientAgreement {
    param(
        [Parameter(Mandatory = $true)] $Client,
        [Parameter(Mandatory = $true)][string] $Address,
        [Parameter(Mandatory = $true)][string] $SharedSecret,
        [Parameter(Mandatory = $true)][bool] $RequireAuthenticator
    )
    return $Client.Address -eq $Address -and [bool] $Client.Enabled -and ([bool] $Client.AuthAttributeRequired -eq $RequireAuthenticator) -and [string]::Equals([string] $Client.SharedSecret, $SharedSecret, [System.StringComparison]::Ordinal)
}

function Invoke-Netsh {
    param([Parameter(Mandatory = $true)][string[]] $Arguments, [switch] $AllowFailure)
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
    param([Parameter(Mandatory = $true)][AllowEmptyString()][string] $Value)
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
    param([Parameter(Mandatory = $true)][string] $Kind, [Parameter(Mandatory = $true)][string] $Name)
    # netsh nps show crp|np name=<name> (cc732464, cc755242). Its labels are in the system's language, so
    # only the layout is read: after the first line of dashes come the policy's "label = value" lines
    # (name, state, processing order, policy source), after the second one line per condition and after
    # the third one line per profile attribute, each "<name> <0x id> <value(s)>". Anything unreadable
    # counts as different, and the policy is then deleted and added again: never wrong, at worst a restart.
    $shown = Invoke-Netsh -Arguments @('nps', 'show', $Kind, ('name=' + $Name)) -AllowFailure
    if ($shown.ExitCode -ne 0) {
        return $null
    }
    $section = 0
    $header = New-Object 'System.Collections.Generic.List[string]'
    $attributes = @{ 2 = (New-Object 'System.Collections.Generic.List[string]'); 3 = (New-Object 'System.Collections.Generic.List[string]') }
    foreach ($line in ($shown.Output -split "`r?`n")) {
        if ($line -match '^\s*-{5,}\s*$') {
            $section += 1
        }
        elseif ($section -eq 1 -and $line -match '^[^=]+=\s*(.*?)\s*$') {
            $header.Add($Matches[1])
        }
        elseif ($section -ge 2 -and $section -le 3 -and $line -match '\s(0x[0-9A-Fa-f]+)\s+(.*?)\s*$') {
            $id = $Matches[1].ToLowerInvariant()
            foreach ($token in [regex]::Matches($Matches[2], '"[^"]*"|\S+')) {
                $attributes[$section].Add($id + '=' + (ConvertTo-ComparableValue -Value $token.Value))
            }
        }
    }
    if ($header.Count -lt 3 -or $header[0] -ne $Name) {
        if (-not $shown.Output.Contains($Name)) {
            return $null
        }
        return [pscustomobject]@{ Enabled = $false; Order = ''; Conditions = @(); Profile = @() }
    }
    return [pscustomobject]@{
        Enabled    = $header[1] -match '^(enabled?|true|1)$'
        Order      = $header[2]
        Conditions = @($attributes[2] | Sort-Object)
        Profile    = @($attributes[3] | Sort-Object)
    }
}

function Test-PolicyAgreement {
    param([Parameter(Mandatory = $true)] $Actual, [Parameter(Mandatory = $true)] $Desired)
    $conditions = @($Desired.conditions | ForEach-Object { $_[0] + '=' + (ConvertTo-ComparableValue -Value $_[1]) } | Sort-Object)
    if (-not $Actual.Enabled -or $Actual.Order -ne [string] $Desired.order -or (@($Actual.Conditions) -join "`n") -cne ($conditions -join "`n")) {
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
    param([Parameter(Mandatory = $true)] $Policy)
    $arguments = @('nps', 'add', $Policy.kind, ('name=' + $Policy.name), 'state=ENABLE', ('processingorder=' + $Policy.order), 'policysource=0')
    foreach ($condition in $Policy.conditions) {
        $arguments += @(('conditionid=' + $condition[0]), ('conditiondata=' + $condition[1]))
    }
    # One profileid followed by each of its values, as netsh takes a multi-valued attribute.
    foreach ($id in @($Policy.profile | ForEach-Object { $_[0] } | Select-Object -Unique)) {
        $arguments += ('profileid=' + $id)
        $arguments += @($Policy.profile | Where-Object { $_[0] -eq $id } | ForEach-Object { 'profiledata=' + $_[1] })
    }
    $null = Invoke-Netsh -Arguments $arguments
}

function Sync-NpsPolicySet {
    param([Parameter(Mandatory = $true)] $Policies, [Parameter(Mandatory = $true)][string] $NamePrefix)
    $changed = New-Object 'System.Collections.Generic.List[string]'
    # Ours that this mode does not want (a network policy after a switch to push mode) are removed.
    foreach ($owned in $script:OwnedPolicySuffixes) {
        $name = $NamePrefix + $owned[1]
        $wanted = @($Policies | Where-Object { $_.kind -eq $owned[0] -and $_.name -eq $name })
        if ($wanted.Count -eq 0 -and $null -ne (Read-NpsPolicy -Kind $owned[0] -Name $name)) {
            $null = Invoke-Netsh -Arguments @('nps', 'delete', $owned[0], ('name=' + $name))
            $changed.Add($name)
        }
    }
    # In the rendered order, each read after the previous change: adding at a processing order moves
    # the policies below it down by one (cc732464), so every comparison sees the list as it now is.
    foreach ($policy in $Policies) {
        $actual = Read-NpsPolicy -Kind $policy.kind -Name $policy.name
        if ($null -ne $actual -and (Test-PolicyAgreement -Actual $actual -Desired $policy)) {
            continue
        }
        if ($null -ne $actual) {
            $null = Invoke-Netsh -Arguments @('nps', 'delete', $policy.kind, ('name=' + $policy.name))
        }
        Add-NpsPolicy -Policy $policy
        $changed.Add($policy.name)
    }
    return , $changed
}

function Resolve-GroupSid {
    param([Parameter(Mandatory = $true)][string] $AdGroup)
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

function Get-SecretProof {
    param([Parameter(Mandatory = $true)][string] $Nonce, [Parameter(Mandatory = $true)][AllowEmptyString()][string] $Value)
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
        [Parameter(Mandatory = $true)] $Desired,
        [Parameter(Mandatory = $true)][string] $NamePrefix,
        [Parameter(Mandatory = $true)][string] $SharedSecret,
        [Parameter(Mandatory = $true)][bool] $RequireAuthenticator,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string] $Nonce
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
            $lines.Add(('{0}={1}={2}' -f $name, $client.Address, (Get-SecretProof -Nonce $Nonce -Value ([string] $client.SharedSecret))))
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
    param([Parameter(Mandatory = $true)][AllowEmptyString()][string] $Text)
    foreach ($value in $script:RedactedValues) {
        $Text = $Text.Replace($value, '[redacted]')
    }
    return $Text
}

function Sync-NpsConfiguration {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][ValidatePattern('^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$')][string] $SecretArn,
        [Parameter(Mandatory = $true)][ValidatePattern('^(AWSCURRENT|AWSPENDING|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')][string] $SecretVersion,
        [Parameter(Mandatory = $true)][ValidatePattern('^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$')][string] $Region,
        [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,79}=(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}(,[A-Za-z][A-Za-z0-9-]{0,79}=(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}){0,499}$')][string] $Clients,
        [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,23}$')][string] $NamePrefix,
        [Parameter(Mandatory = $true)][ValidatePattern('^(true|false)$')][string] $RequireMessageAuthenticator,
        [Parameter(Mandatory = $true)][ValidatePattern('^\[[ -&(-_a-~]{0,3998}\]$')][string] $Policies,
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^(S-1-[0-9]{1,14}(-[0-9]{1,10}){1,15}|[^\\/:*?"<>|\x00-\x1f\x7f]{1,255}\\[^"/\\\[\]:;|=,+*?<>\x00-\x1f\x7f]{1,256})?$')][string] $AdGroup = '',
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^([0-9a-f]{32,64})?$')][string] $Nonce = ''
    )
    $desired = ConvertFrom-ClientList -Clients $Clients -NamePrefix $NamePrefix
    $requireAuthenticator = $RequireMessageAuthenticator -eq 'true'
    # Windows PowerShell 5.1's ConvertFrom-Json emits a JSON array as ONE object: the pipeline unrolls it.
    $policySet = @(ConvertFrom-Json -InputObject $Policies | ForEach-Object { $_ })
    Assert-NpsPrerequisite -Addresses @($desired.Values)
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

    $clientResult = Sync-RadiusClientSet -Desired $desired -NamePrefix $NamePrefix -SharedSecret $sharedSecret -RequireAuthenticator $requireAuthenticator
    $policiesChanged = Sync-NpsPolicySet -Policies $policySet -NamePrefix $NamePrefix
    # Restart only when something changed, so a no-op run disturbs nothing.
    $changed = ($clientResult.created + $clientResult.updated + $clientResult.removed + $policiesChanged.Count) -gt 0
    if ($changed) {
        Restart-NpsService
    }
    # Counts, not names: the line stays a few hundred characters for any number of clients.
    $summary = [ordered]@{
        radiusSyncSummary = 2
        created           = $clientResult.created
        updated           = $clientResult.updated
        removed           = $clientResult.removed
        kept              = $clientResult.kept
        policiesChanged   = @($policiesChanged)
        restarted         = $changed
    }
    if ($groupSid -ne '') {
        $summary['groupSid'] = $groupSid
    }
    $report = Get-ClientSetReport -Desired $desired -NamePrefix $NamePrefix -SharedSecret $sharedSecret -RequireAuthenticator $requireAuthenticator -Nonce $Nonce
    foreach ($key in @($report.Keys)) {
        $summary[$key] = $report[$key]
    }
    [Console]::Out.WriteLine((ConvertTo-Json -InputObject $summary -Compress -Depth 4))
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

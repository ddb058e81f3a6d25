<#
.SYNOPSIS
    radius-sync's NPS applier: makes this server's radius-sync RADIUS clients and policies match the
    desired list, then prints ONE JSON summary line of bounded size (counts, a proof, at most 20 names).
.DESCRIPTION
    TypeScript computes the desired state (shared/nps/render-parameters.ts); this script only compares it
    with what NPS has, applies the difference and reports. The shared secret is read HERE, on the host,
    with the instance role: it never travels in the command, and it is never written to output, files or
    errors (the error handler redacts it). Only clients and policies named "<NamePrefix>-..." are touched.
    Written for Windows PowerShell 5.1, which aws:runPowerShellScript runs: no .NET Core-only APIs.
    The SSM document appends one line that calls Invoke-NpsSync with the document parameters, each
    single-quoted; the parameters' patterns exclude every quote character, so no value can leave its quotes.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# Values that must never leave this process; Invoke-NpsSync's error handler removes them from messages.
$script:RedactedValues = New-Object 'System.Collections.Generic.List[string]'

function Import-SecretsManagerModule {
    # AWS.Tools.SecretsManager is the modular package; AWSPowerShell is the monolithic one that AWS's
    # Windows AMIs ship. Both provide Get-SECSecretValue.
    foreach ($moduleName in @('AWS.Tools.SecretsManager', 'AWSPowerShell')) {
        if (Get-Module -ListAvailable -Name $moduleName) {
            Import-Module -Name $moduleName
            return $moduleName
        }
    }
    throw 'Neither AWS.Tools.SecretsManager nor AWSPowerShell is installed on this NPS server: install one, for example with Install-Module -Name AWS.Tools.SecretsManager -Scope AllUsers.'
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

function ConvertFrom-ClientList {
    param(
        [Parameter(Mandatory = $true)][string] $Clients,
        [Parameter(Mandatory = $true)][string] $NamePrefix
    )
    # Ordinal (case-sensitive) keys: ownership and identity never depend on the host's culture.
    $desired = New-Object 'System.Collections.Generic.SortedDictionary[string,string]' ([System.StringComparer]::Ordinal)
    $addresses = New-Object 'System.Collections.Generic.HashSet[string]' ([System.StringComparer]::Ordinal)
    foreach ($pair in $Clients.Split(',')) {
        $parts = $pair.Split('=')
        $name = $parts[0]
        $address = $parts[1]
        if (-not $name.StartsWith($NamePrefix + '-', [System.StringComparison]::Ordinal)) {
            throw ('Client {0} does not start with {1}-, so radius-sync would not recognise it as its own.' -f $name, $NamePrefix)
        }
        if ($desired.ContainsKey($name)) {
            throw ('Client {0} is listed twice.' -f $name)
        }
        if (-not $addresses.Add($address)) {
            throw ('Address {0} is listed for two clients.' -f $address)
        }
        $desired[$name] = $address
    }
    return , $desired
}

function Test-OwnedName {
    param([Parameter(Mandatory = $true)][string] $Name, [Parameter(Mandatory = $true)][string] $NamePrefix)
    return $Name.StartsWith($NamePrefix + '-', [System.StringComparison]::Ordinal)
}

function Sync-RadiusClientSet {
    param(
        [Parameter(Mandatory = $true)] $Desired,
        [Parameter(Mandatory = $true)][string] $NamePrefix,
        [Parameter(Mandatory = $true)][string] $SharedSecret
    )
    $result = [ordered]@{
        created = New-Object 'System.Collections.Generic.List[string]'
        updated = New-Object 'System.Collections.Generic.List[string]'
        removed = New-Object 'System.Collections.Generic.List[string]'
        kept    = New-Object 'System.Collections.Generic.List[string]'
    }
    # Captured in a variable, never emitted: the client objects carry their shared secrets.
    $existing = @(Get-NpsRadiusClient)
    $ours = @($existing | Where-Object { Test-OwnedName -Name $_.Name -NamePrefix $NamePrefix })
    $foreign = @($existing | Where-Object { -not (Test-OwnedName -Name $_.Name -NamePrefix $NamePrefix) })

    # Never touch a client we do not own: if one holds an address we need, stop and say so.
    foreach ($client in $foreign) {
        foreach ($name in $Desired.Keys) {
            if ($client.Address -eq $Desired[$name]) {
                throw ('RADIUS client {0} is not managed by radius-sync but uses address {1}, which {2} needs; remove or re-address it.' -f $client.Name, $client.Address, $name)
            }
        }
    }

    # Removals first, so a client that moved to a new name can take its address again.
    foreach ($client in $ours) {
        if (-not $Desired.ContainsKey($client.Name)) {
            Remove-NpsRadiusClient -Name $client.Name
            $result.removed.Add($client.Name)
        }
    }
    foreach ($name in $Desired.Keys) {
        $address = $Desired[$name]
        $current = @($ours | Where-Object { $_.Name -ceq $name })
        if ($current.Count -eq 0) {
            $null = New-NpsRadiusClient -Name $name -Address $address -SharedSecret $SharedSecret
            $result.created.Add($name)
        }
        elseif ($current[0].Address -ne $address -or -not [string]::Equals([string] $current[0].SharedSecret, $SharedSecret, [System.StringComparison]::Ordinal)) {
            $null = Set-NpsRadiusClient -Name $name -Address $address -SharedSecret $SharedSecret
            $result.updated.Add($name)
        }
        else {
            $result.kept.Add($name)
        }
    }
    return $result
}

function Invoke-Netsh {
    param([Parameter(Mandatory = $true)][string[]] $Arguments, [switch] $AllowFailure)
    # netsh writes errors to stdout and sets an exit code; 'Continue' keeps Windows PowerShell 5.1 from
    # turning a native stderr line into a terminating error before we can read the exit code.
    $ErrorActionPreference = 'Continue'
    $output = (& netsh.exe @Arguments 2>&1 | Out-String).Trim()
    $exitCode = $LASTEXITCODE
    if ($exitCode -ne 0 -and -not $AllowFailure) {
        throw ('netsh {0} failed with exit code {1}: {2}' -f ($Arguments[0..2] -join ' '), $exitCode, $output)
    }
    return [pscustomobject]@{ ExitCode = $exitCode; Output = $output }
}

function Resolve-GroupSid {
    param([Parameter(Mandatory = $true)][string] $AdGroup)
    # Resolved on the host, against its own domain: the Lambda never needs directory access.
    $separator = $AdGroup.IndexOf('\')
    $account = New-Object System.Security.Principal.NTAccount($AdGroup.Substring(0, $separator), $AdGroup.Substring($separator + 1))
    try {
        return $account.Translate([System.Security.Principal.SecurityIdentifier]).Value
    }
    catch {
        throw ('AD group {0} could not be resolved to a SID on this server: {1}' -f $AdGroup, $_.Exception.Message)
    }
}

function Sync-NpsPolicy {
    param(
        [Parameter(Mandatory = $true)][ValidateSet('crp', 'np')][string] $Kind,
        [Parameter(Mandatory = $true)][string] $Name,
        [Parameter(Mandatory = $true)][string] $ConditionData,
        [Parameter(Mandatory = $true)][string[]] $Arguments
    )
    # netsh nps show/delete/add crp|np syntax, condition and profile ids: "Connection Request Policy
    # Commands" (learn.microsoft.com/previous-versions/.../cc732464(v=ws.10)), "Network Policy Commands"
    # (cc755242), condition ids (cc771221, cc770736), profile ids (cc731924, cc771858).
    $shown = Invoke-Netsh -Arguments @('nps', 'show', $Kind, ('name=' + $Name)) -AllowFailure
    $exists = $shown.ExitCode -eq 0 -and $shown.Output.Contains($Name)
    # The condition value is the part that follows the estate; a hand-edited profile is not detected.
    if ($exists -and $shown.Output.Contains($ConditionData)) {
        return $false
    }
    # Delete and add rather than "set": set's handling of an existing condition (replace or append) is
    # not documented, while delete + add always yields exactly the desired policy.
    if ($exists) {
        $null = Invoke-Netsh -Arguments @('nps', 'delete', $Kind, ('name=' + $Name))
    }
    $null = Invoke-Netsh -Arguments (@('nps', 'add', $Kind, ('name=' + $Name), 'state=ENABLE', 'processingorder=1', 'policysource=0') + $Arguments)
    return $true
}

function Sync-ConnectionRequestPolicy {
    param([Parameter(Mandatory = $true)][string] $Name, [Parameter(Mandatory = $true)][string[]] $Addresses)
    # Client-IP-Address (0x100c) takes an NPS regular expression ("Use Regular Expressions in NPS",
    # learn.microsoft.com/windows-server/networking/technologies/nps/nps-crp-reg-expressions): anchored,
    # one escaped alternative per client, so it matches exactly our client IPs.
    $escaped = @($Addresses | Sort-Object | ForEach-Object { [regex]::Escape($_) })
    $condition = '^(' + ($escaped -join '|') + ')$'
    # Auth-Provider-Type (0x1025) = 0 (None) is "Accept users without validating credentials"
    # (learn.microsoft.com/windows/win32/nps/sdo-auth-provider-type). This follows DESIGN.md ("accept
    # without validating credentials, for push tokens"): the AD Connector has already checked the AD
    # password, and the RADIUS password field carries only the MFA code. Be aware: Microsoft documents
    # the Azure MFA NPS extension as running AFTER NPS authenticates the user against AD, and with this
    # setting NPS also skips network policies, so the AD-group policy below does not gate access.
    # Switching to Windows authentication would be profiledata=0x1 here.
    return Sync-NpsPolicy -Kind 'crp' -Name $Name -ConditionData $condition -Arguments @(
        'conditionid=0x100c', ('conditiondata=' + $condition),
        'profileid=0x1025', 'profiledata=0x0')
}

function Sync-NetworkPolicy {
    param([Parameter(Mandatory = $true)][string] $Name, [Parameter(Mandatory = $true)][string] $GroupSid)
    # Windows-User-Groups (0x1fb5) = the group's SID; NP-Allow-Dial-in (0x100f) and
    # Ignore-User-Dialin-Properties (0x1005) grant access ("Configuring a Network Policy to Grant Access",
    # cc730786); NP-Authentication-Type (0x1009) allows PAP (0x1) and MS-CHAPv2 (0x4), values from the
    # AUTHENTICATION_TYPE enumeration (learn.microsoft.com/windows/win32/nps/sdo-np-authentication-type).
    return Sync-NpsPolicy -Kind 'np' -Name $Name -ConditionData $GroupSid -Arguments @(
        'conditionid=0x1fb5', ('conditiondata=' + $GroupSid),
        'profileid=0x100f', 'profiledata=TRUE',
        'profileid=0x1005', 'profiledata=TRUE',
        'profileid=0x1009', 'profiledata=0x1', 'profiledata=0x4')
}

function Get-SecretProof {
    param([Parameter(Mandatory = $true)][string] $Nonce, [Parameter(Mandatory = $true)][AllowEmptyString()][string] $Value)
    # HMAC-SHA256 keyed with the nonce's ASCII text over the UTF-8 secret, as lowercase hex: the Lambda
    # computes the same from the expected secret version (shared/nps/secret-proof.ts) and compares, so the
    # secret is verified without ever leaving this host. The text (not hex-decoded) key keeps both sides
    # trivial and works for any nonce length the pattern allows.
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
        [Parameter(Mandatory = $true)][AllowEmptyString()][string] $Nonce
    )
    # Read back what NPS now holds, so the report covers the configured clients, not the ones we meant
    # to set. Bounded output whatever the estate: SSM keeps only the first 24,000 characters of stdout.
    $configured = @(Get-NpsRadiusClient | Where-Object { Test-OwnedName -Name $_.Name -NamePrefix $NamePrefix })
    $held = New-Object 'System.Collections.Generic.SortedDictionary[string,object]' ([System.StringComparer]::Ordinal)
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
    # Lambda builds the same lines from the desired list and the expected secret version
    # (shared/nps/secret-proof.ts), so one proof over all lines binds what NPS holds to that version.
    $lines = New-Object 'System.Collections.Generic.List[string]'
    foreach ($name in $held.Keys) {
        $client = $held[$name]
        $sameSecret = [string]::Equals([string] $client.SharedSecret, $SharedSecret, [System.StringComparison]::Ordinal)
        if (-not $Desired.ContainsKey($name) -or $Desired[$name] -ne $client.Address -or -not $sameSecret) {
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

function Invoke-NpsSync {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][ValidatePattern('^arn:aws(-[a-z]+)*:secretsmanager:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$')][string] $SecretArn,
        [Parameter(Mandatory = $true)][ValidatePattern('^(AWSCURRENT|AWSPENDING|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')][string] $SecretVersion,
        [Parameter(Mandatory = $true)][ValidatePattern('^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$')][string] $Region,
        [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,79}=(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}(,[A-Za-z][A-Za-z0-9-]{0,79}=(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}){0,499}$')][string] $Clients,
        [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z][A-Za-z0-9-]{0,23}$')][string] $NamePrefix,
        [Parameter(Mandatory = $true)][ValidatePattern('^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}\\[A-Za-z0-9][A-Za-z0-9 ._-]{0,255}$')][string] $AdGroup,
        [Parameter(Mandatory = $false)][AllowEmptyString()][ValidatePattern('^([0-9a-f]{32,64})?$')][string] $Nonce = ''
    )
    try {
        $desired = ConvertFrom-ClientList -Clients $Clients -NamePrefix $NamePrefix
        $groupSid = Resolve-GroupSid -AdGroup $AdGroup
        $null = Import-SecretsManagerModule
        Import-Module -Name NPS
        $sharedSecret = Get-RadiusSharedSecret -SecretArn $SecretArn -SecretVersion $SecretVersion -Region $Region

        $clientResult = Sync-RadiusClientSet -Desired $desired -NamePrefix $NamePrefix -SharedSecret $sharedSecret
        $policiesChanged = New-Object 'System.Collections.Generic.List[string]'
        if (Sync-ConnectionRequestPolicy -Name ($NamePrefix + '-crp') -Addresses @($desired.Values)) {
            $policiesChanged.Add($NamePrefix + '-crp')
        }
        if (Sync-NetworkPolicy -Name ($NamePrefix + '-np') -GroupSid $groupSid) {
            $policiesChanged.Add($NamePrefix + '-np')
        }

        # NPS reads clients and policies at start-up ("The NPS Server service must be restarted after you
        # run the New-NpsRadiusClient cmdlet", learn.microsoft.com/powershell/module/nps/new-npsradiusclient);
        # restart only when something changed, so a no-op run disturbs nothing.
        $changed = ($clientResult.created.Count + $clientResult.updated.Count + $clientResult.removed.Count + $policiesChanged.Count) -gt 0
        if ($changed) {
            Restart-Service -Name IAS
        }

        # Counts, not names: the line stays a few hundred characters for any number of clients.
        $summary = [ordered]@{
            radiusSyncSummary = 2
            created           = $clientResult.created.Count
            updated           = $clientResult.updated.Count
            removed           = $clientResult.removed.Count
            kept              = $clientResult.kept.Count
            policiesChanged   = @($policiesChanged)
            restarted         = $changed
            groupSid          = $groupSid
        }
        $report = Get-ClientSetReport -Desired $desired -NamePrefix $NamePrefix -SharedSecret $sharedSecret -Nonce $Nonce
        foreach ($key in @($report.Keys)) {
            $summary[$key] = $report[$key]
        }
        [Console]::Out.WriteLine((ConvertTo-Json -InputObject $summary -Compress -Depth 4))
    }
    catch {
        [Console]::Error.WriteLine('radius-sync NPS sync failed: ' + (Hide-SecretValue -Text ([string] $_.Exception.Message)))
        exit 1
    }
}

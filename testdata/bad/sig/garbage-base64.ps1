# certswap signing sample
param([string]$Name = 'world')
Write-Host "Hello, $Name"
Get-Date

# SIG # Begin signature block
# !!!! not base64 @@@@ ####
# ==========
# SIG # End signature block

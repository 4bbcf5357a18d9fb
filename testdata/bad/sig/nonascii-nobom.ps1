# certswap
Write-Host 'Grüße – ‘x’'

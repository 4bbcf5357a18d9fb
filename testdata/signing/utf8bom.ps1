# certswap signing sample (UTF-8 with BOM)
$greeting = 'Grüße aus Köln – “quoted” ’apostrophe’'
Write-Host $greeting

package cert

// WindowsName formats a DER-encoded X.501 Name exactly as Windows prints
// X509Certificate2.Subject and .Issuer. An empty name or any DER error gives "".
func WindowsName(der []byte) string {
	return ""
}

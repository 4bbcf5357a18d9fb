// Package export reads the configuration exports admins make on Exchange, AD FS and WAP servers
// (Format-List, Format-Table, Export-Clixml, ConvertTo-Json, Export-Csv and netsh text, in any of
// the encodings PowerShell writes) and rebuilds every property value exactly, or says why it cannot.
package export

import "certswap/validate/cert"

// Kind is the kind of configuration object, detected from its property set or CLIXML type name.
type Kind string

// The kinds certswap knows. Objects of any other kind are kept with KindUnknown.
const (
	KindReceiveConnector    Kind = "ReceiveConnector"
	KindSendConnector       Kind = "SendConnector"
	KindExchangeCertificate Kind = "ExchangeCertificate"
	KindHybridConfiguration Kind = "HybridConfiguration"
	KindTransportService    Kind = "TransportService"
	KindAuthConfig          Kind = "AuthConfig"
	KindPopSettings         Kind = "PopSettings"
	KindImapSettings        Kind = "ImapSettings"
	KindEdgeSubscription    Kind = "EdgeSubscription"
	KindAdfsSslCertificate  Kind = "AdfsSslCertificate"
	KindAdfsCertificate     Kind = "AdfsCertificate"
	KindAdfsProperties      Kind = "AdfsProperties"
	KindWapSslCertificate   Kind = "WapSslCertificate"
	KindWapApplication      Kind = "WapApplication"
	KindWapConfiguration    Kind = "WapConfiguration"
	KindNetshSslBinding     Kind = "NetshSslBinding"
	KindUnknown             Kind = "Unknown"
)

// File is one export file as read.
type File struct {
	Name     string    // the path as given
	Format   string    // Format-List, Format-Table, Export-Clixml, ConvertTo-Json, Export-Csv, netsh, Mixed
	Encoding string    // UTF-16LE-BOM, UTF-16BE-BOM, UTF-16LE, UTF-16BE, UTF-8-BOM, UTF-8, Windows-1252
	Warnings []Warning // file-level warnings (lines that could not be placed, ...)
	Objects  []*Object
}

// Warning is a file-level warning.
type Warning struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Object is one exported object with its properties in export order.
type Object struct {
	Kind        Kind
	Identity    string // Identity, else Name, else the first property's value
	Server      string // upper-case first DNS label, "" when unknown
	File        string // the export file's path
	Line        int    // first line of the object in the file (1-based; 0 when not line-oriented)
	Properties  []Property
	Warnings    []PropertyWarning
	Certificate *cert.Certificate // for an ExchangeCertificate exported with RawData: the parsed certificate
}

// Property is one property of an object, exactly as exported.
type Property struct {
	Name  string
	Value Value
	Line  int    // line of the property's first line in the file (0 when not line-oriented)
	Lossy string // "" when the value is exact; otherwise why it is not (truncated collection, ambiguous wrap, masked)
}

// Value is a property value: null, a string, or (from CLIXML and JSON) a list of strings.
type Value struct {
	Null   bool
	IsList bool
	Text   string   // the text when !Null && !IsList
	List   []string // the items when IsList
}

// PropertyWarning is a warning about one property of an object.
type PropertyWarning struct {
	Property string `json:"property"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
}

#!/usr/bin/env python3
"""Writes the structured-export fixtures of testdata/exports/{clixml,json,csv,netsh}.

Run from the repository root:  python3 testdata/exports/clixml/make-fixtures.py
Needs openssl (3.x) for the certificate stored as RawData. Each fixture follows the shape of a
real published output named in the README of its folder; the values are invented (contoso.com).
The certificate is made afresh on every run, so rerunning changes rawdata-cert.* and
rawdata-cert.txt together; tests read the thumbprint from rawdata-cert.txt (openssl's fingerprint).
"""
import base64, datetime, os, subprocess, tempfile

ROOT = os.path.join("testdata", "exports")
CLI = os.path.join(ROOT, "clixml")
NS = "http://schemas.microsoft.com/powershell/2004/04"


def write(path, text, encoding="utf-16-le-bom", newline="\r\n"):
    text = text.replace("\r\n", "\n").replace("\n", newline)
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-le":
        data = text.encode("utf-16-le")
    elif encoding == "utf-8-bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    else:
        data = text.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def openssl(*args, inp=None):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, input=inp).stdout


def make_cert():
    """A CA-issued leaf: issuer and subject differ and both need Windows' double-quote quoting."""
    with tempfile.TemporaryDirectory() as d:
        j = lambda n: os.path.join(d, n)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", j("ca.key"), "-out", j("ca.pem"),
                "-days", "3650", "-subj", "/C=US/O=Contoso, Ltd/CN=Contoso Issuing CA 1")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", j("leaf.key"), "-out", j("leaf.csr"),
                "-subj", "/C=US/ST=Washington/L=Redmond/O=Contoso, Ltd/CN=mail.contoso.com")
        with open(j("ext"), "w") as f:
            f.write("subjectAltName=DNS:mail.contoso.com,DNS:autodiscover.contoso.com\n")
        openssl("x509", "-req", "-in", j("leaf.csr"), "-CA", j("ca.pem"), "-CAkey", j("ca.key"),
                "-set_serial", "0x5A0F3C2B1D", "-days", "825", "-extfile", j("ext"), "-out", j("leaf.pem"))
        der = openssl("x509", "-in", j("leaf.pem"), "-outform", "der")
        fp = openssl("x509", "-in", j("leaf.pem"), "-noout", "-fingerprint", "-sha1").decode().strip()
        dates = openssl("x509", "-in", j("leaf.pem"), "-noout", "-dates", "-serial").decode()
        subj = openssl("x509", "-in", j("leaf.pem"), "-noout", "-subject", "-issuer", "-nameopt", "RFC2253").decode()
    thumb = fp.split("=", 1)[1].replace(":", "").upper()
    d = dict(l.split("=", 1) for l in dates.splitlines())
    parse = lambda v: datetime.datetime.strptime(" ".join(v.split()), "%b %d %H:%M:%S %Y GMT")
    global NB, NA
    NB, NA = parse(d["notBefore"]), parse(d["notAfter"])
    with open(os.path.join(CLI, "rawdata-cert.der"), "wb") as f:
        f.write(der)
    with open(os.path.join(CLI, "rawdata-cert.txt"), "w") as f:
        f.write("# openssl x509 -fingerprint -sha1 (colons removed), -dates, -serial, -subject/-issuer (RFC 2253)\n")
        f.write("thumbprint " + thumb + "\n" + dates + subj)
    return der, thumb


def obj_enum(n, ref, tn_ref, types, tostring, num):
    tn = ('<TN RefId="%s">%s</TN>' % (tn_ref, "".join("<T>%s</T>" % t for t in types))) if types else '<TNRef RefId="%s" />' % tn_ref
    return '<Obj N="%s" RefId="%s">%s<ToString>%s</ToString><I32>%d</I32></Obj>' % (n, ref, tn, tostring, num)


def doc(*objs):
    return '<Objs Version="1.1.0.1" xmlns="%s">\n%s\n</Objs>' % (NS, "\n".join(objs))


MS_REMOTE = ('<MS><S N="PSComputerName">ex01.contoso.com</S><G N="RunspaceId">5c1f0a3e-8f0e-4b7a-9a59-2f3d1c0b7e11</G>'
             '<B N="PSShowComputerName">false</B><BA N="SerializationData">AAEAAAD/////AQAAAAAAAAAL</BA></MS>')

GODADDY = 'CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O="GoDaddy.com, Inc.", L=Scottsdale, S=Arizona, C=US'


def xml_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def receive_connectors():
    # Shape: CSS-Exchange GetReceiveConnector.xml (rc-2.xml): ReceiveConnector TN chain, enum
    # AuthMechanism with ToString + I32, MultiValuedProperty Bindings as LST of IPBinding Obj,
    # Fqdn Obj, SmtpX509Identifier TlsCertificateName, Nil, Identity Obj and a Ref for Id.
    tls = "<I>" + GODADDY + "<S>CN=mail.contoso.com"
    rc1 = '''  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T>
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject</T>
      <T>Microsoft.Exchange.Data.Directory.ADObject</T>
      <T>Microsoft.Exchange.Data.Directory.ADRawEntry</T>
      <T>Microsoft.Exchange.Data.ConfigurableObject</T>
      <T>System.Object</T>
    </TN>
    <ToString>EX01\\Default Frontend EX01</ToString>
    <Props>
      <Obj N="AuthMechanism" RefId="1">
        <TN RefId="1">
          <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.AuthMechanisms</T>
          <T>System.Enum</T>
          <T>System.ValueType</T>
          <T>System.Object</T>
        </TN>
        <ToString>Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer</ToString>
        <I32>31</I32>
      </Obj>
      <S N="Banner">220 mail.contoso.com ESMTP_x000D__x000A_Authorised use only</S>
      <B N="BinaryMimeEnabled">true</B>
      <Obj N="Bindings" RefId="2">
        <TN RefId="2">
          <T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.IPBinding, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T>
          <T>Microsoft.Exchange.Data.MultiValuedPropertyBase</T>
          <T>System.Object</T>
        </TN>
        <LST>
          <Obj RefId="3">
            <TN RefId="3">
              <T>Microsoft.Exchange.Data.IPBinding</T>
              <T>System.Net.IPEndPoint</T>
              <T>System.Net.EndPoint</T>
              <T>System.Object</T>
            </TN>
            <ToString>[::]:25</ToString>
            <Props>
              <I32 N="Port">25</I32>
              <S N="AddressFamily">InterNetworkV6</S>
            </Props>
          </Obj>
          <Obj RefId="4">
            <TNRef RefId="3" />
            <ToString>0.0.0.0:25</ToString>
            <Props>
              <I32 N="Port">25</I32>
              <S N="AddressFamily">InterNetwork</S>
            </Props>
          </Obj>
        </LST>
      </Obj>
      <Nil N="DefaultDomain" />
      <Obj N="Fqdn" RefId="5">
        <TN RefId="4">
          <T>Microsoft.Exchange.Data.Fqdn</T>
          <T>Microsoft.Exchange.Data.SmtpDomain</T>
          <T>System.Object</T>
        </TN>
        <ToString>mail.contoso.com</ToString>
        <Props>
          <S N="Domain">mail.contoso.com</S>
          <B N="IsIdnDomain">false</B>
        </Props>
      </Obj>
      <Obj N="TlsCertificateName" RefId="6">
        <TN RefId="5">
          <T>Microsoft.Exchange.Data.SmtpX509Identifier</T>
          <T>System.Object</T>
        </TN>
        <ToString>%(tls)s</ToString>
        <Props>
          <S N="CertificateSubject">CN=mail.contoso.com</S>
          <S N="CertificateIssuer">%(issuer)s</S>
          <S N="SubjectCommonName">mail.contoso.com</S>
        </Props>
        <MS>
          <BA N="SerializationData">AAEAAAD/////AQAAAAAAAAAL</BA>
        </MS>
      </Obj>
      <S N="Comment">it's the “Frontend” connector</S>
      <B N="Enabled">true</B>
      <B N="RequireTLS">false</B>
      <Obj N="TlsDomainCapabilities" RefId="7">
        <TNRef RefId="2" />
        <LST />
      </Obj>
      <Obj N="Server" RefId="8">
        <TN RefId="6">
          <T>Microsoft.Exchange.Data.Directory.ADObjectId</T>
          <T>System.Object</T>
        </TN>
        <ToString>EX01</ToString>
      </Obj>
      <Obj N="TransportRole" RefId="9">
        <TN RefId="7">
          <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole</T>
          <T>System.Enum</T>
          <T>System.ValueType</T>
          <T>System.Object</T>
        </TN>
        <ToString>FrontendTransport</ToString>
        <I32>16384</I32>
      </Obj>
      <S N="Name">Default Frontend EX01</S>
      <Obj N="Identity" RefId="10">
        <TNRef RefId="6" />
        <ToString>EX01\\Default Frontend EX01</ToString>
      </Obj>
      <Ref N="Id" RefId="10" />
    </Props>
    %(ms)s
  </Obj>''' % {"tls": xml_text(tls), "issuer": xml_text(GODADDY), "ms": MS_REMOTE}
    rc2 = '''  <Obj RefId="11">
    <TNRef RefId="0" />
    <ToString>EX01\\Client Frontend EX01</ToString>
    <Props>
      <Obj N="AuthMechanism" RefId="12">
        <TNRef RefId="1" />
        <ToString>Tls, BasicAuth, BasicAuthRequireTLS</ToString>
        <I32>14</I32>
      </Obj>
      <S N="Banner"></S>
      <B N="BinaryMimeEnabled">true</B>
      <Obj N="Bindings" RefId="13">
        <TNRef RefId="2" />
        <LST>
          <Obj RefId="14">
            <TNRef RefId="3" />
            <ToString>[::]:587</ToString>
          </Obj>
          <Obj RefId="15">
            <TNRef RefId="3" />
            <ToString>0.0.0.0:587</ToString>
          </Obj>
        </LST>
      </Obj>
      <Nil N="DefaultDomain" />
      <Ref N="Fqdn" RefId="5" />
      <Nil N="TlsCertificateName" />
      <Nil N="Comment" />
      <B N="Enabled">true</B>
      <B N="RequireTLS">false</B>
      <Obj N="TlsDomainCapabilities" RefId="16">
        <TNRef RefId="2" />
        <LST />
      </Obj>
      <Ref N="Server" RefId="8" />
      <Ref N="TransportRole" RefId="9" />
      <S N="Name">Client Frontend EX01</S>
      <Obj N="Identity" RefId="17">
        <TNRef RefId="6" />
        <ToString>EX01\\Client Frontend EX01</ToString>
      </Obj>
      <Ref N="Id" RefId="17" />
    </Props>
    %(ms)s
  </Obj>''' % {"ms": MS_REMOTE}
    return doc(rc1, rc2)


def send_connector():
    # Shape: CSS-Exchange GetSendConnector.xml (sc-1.xml): SmartHosts LST whose item's Props hold
    # an IPAddress Obj that SourceIPAddress later refers to with <Ref> (the trap notes b.3 names).
    tls = "<I>" + GODADDY + "<S>CN=mail.contoso.com"
    return doc('''  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig</T>
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway</T>
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector</T>
      <T>Microsoft.Exchange.Data.Directory.ADObject</T>
      <T>System.Object</T>
    </TN>
    <ToString>Outbound to Office 365 - 2b6f1a3c-5d4e-4f00-9a1b-7c8d9e0f1a2b</ToString>
    <Props>
      <B N="DNSRoutingEnabled">false</B>
      <S N="TlsDomain">mail.protection.outlook.com</S>
      <Obj N="TlsAuthLevel" RefId="1">
        <TN RefId="1">
          <T>Microsoft.Exchange.Data.TlsAuthLevel</T>
          <T>System.Enum</T>
          <T>System.ValueType</T>
          <T>System.Object</T>
        </TN>
        <ToString>DomainValidation</ToString>
        <I32>7</I32>
      </Obj>
      <Obj N="SmartHosts" RefId="2">
        <TN RefId="2">
          <T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SmartHost, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T>
          <T>Microsoft.Exchange.Data.MultiValuedPropertyBase</T>
          <T>System.Object</T>
        </TN>
        <LST>
          <Obj RefId="3">
            <TN RefId="3">
              <T>Microsoft.Exchange.Data.SmartHost</T>
              <T>System.Object</T>
            </TN>
            <ToString>contoso-com.mail.protection.outlook.com</ToString>
            <Props>
              <B N="IsIPAddress">false</B>
              <Obj N="Address" RefId="4">
                <TN RefId="4">
                  <T>System.Net.IPAddress</T>
                  <T>System.Object</T>
                </TN>
                <ToString>0.0.0.0</ToString>
              </Obj>
            </Props>
          </Obj>
        </LST>
      </Obj>
      <I32 N="Port">25</I32>
      <B N="CloudServicesMailEnabled">true</B>
      <Obj N="Fqdn" RefId="5">
        <TN RefId="5">
          <T>Microsoft.Exchange.Data.Fqdn</T>
          <T>Microsoft.Exchange.Data.SmtpDomain</T>
          <T>System.Object</T>
        </TN>
        <ToString>mail.contoso.com</ToString>
      </Obj>
      <Obj N="TlsCertificateName" RefId="6">
        <TN RefId="6">
          <T>Microsoft.Exchange.Data.SmtpX509Identifier</T>
          <T>System.Object</T>
        </TN>
        <ToString>%(tls)s</ToString>
        <Props>
          <S N="CertificateSubject">CN=mail.contoso.com</S>
          <S N="CertificateIssuer">%(issuer)s</S>
          <S N="SubjectCommonName">mail.contoso.com</S>
        </Props>
      </Obj>
      <B N="RequireTLS">true</B>
      <B N="Enabled">true</B>
      <Ref N="SourceIPAddress" RefId="4" />
      <Obj N="AddressSpaces" RefId="7">
        <TN RefId="7">
          <T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.AddressSpace, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T>
          <T>Microsoft.Exchange.Data.MultiValuedPropertyBase</T>
          <T>System.Object</T>
        </TN>
        <LST>
          <S>smtp:*.mail.onmicrosoft.com;1</S>
          <S>smtp:contoso.mail.onmicrosoft.com;1</S>
        </LST>
      </Obj>
      <Obj N="SourceTransportServers" RefId="8">
        <TNRef RefId="7" />
        <LST>
          <S>EX01</S>
          <S>EX02</S>
        </LST>
      </Obj>
      <S N="Name">Outbound to Office 365 - 2b6f1a3c-5d4e-4f00-9a1b-7c8d9e0f1a2b</S>
      <S N="Identity">Outbound to Office 365 - 2b6f1a3c-5d4e-4f00-9a1b-7c8d9e0f1a2b</S>
    </Props>
    %(ms)s
  </Obj>''' % {"tls": xml_text(tls), "issuer": xml_text(GODADDY), "ms": MS_REMOTE})


def cert_tostring(subject, issuer, serial, nb, na, thumb):
    crlf = "_x000D__x000A_"
    parts = [("Subject", subject), ("Issuer", issuer), ("Serial Number", serial), ("Not Before", nb),
             ("Not After", na), ("Thumbprint", thumb)]
    return "".join("[%s]%s  %s%s%s" % (k, crlf, xml_text(v), crlf, crlf if i < 5 else "") for i, (k, v) in enumerate(parts))


NB = NA = None  # the certificate's validity (UTC), set by make_cert


def ts(t):
    """The en-US ToString of a date on a server whose time zone is UTC."""
    return t.strftime("%m/%d/%Y %H:%M:%S")


def dt(t):
    """A CLIXML <DT> of a local DateTime on a UTC server."""
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


SUBJECT = 'CN=mail.contoso.com, O="Contoso, Ltd", L=Redmond, S=Washington, C=US'
ISSUER = 'CN=Contoso Issuing CA 1, O="Contoso, Ltd", C=US'


def exchange_certificates(der, thumb):
    b64 = base64.b64encode(der).decode()
    # Shape: CSS-Exchange GetExchangeCertificate.xml (exchcert-5.xml): plain Export-Clixml keeps
    # only RawData (X509Certificate2 SerializationDepth 1) plus the multi-line ToString.
    raw = doc('''  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate</T>
      <T>System.Security.Cryptography.X509Certificates.X509Certificate2</T>
      <T>System.Security.Cryptography.X509Certificates.X509Certificate</T>
      <T>System.Object</T>
    </TN>
    <ToString>%s</ToString>
    <Props>
      <BA N="RawData">%s</BA>
    </Props>
    %s
  </Obj>''' % (cert_tostring(SUBJECT, ISSUER, "5A0F3C2B1D", ts(NB), ts(NA), thumb), b64, MS_REMOTE))
    # Shape: DESIGN.md "Collect" (Select-Object Thumbprint, Services, ... RawData | Export-Clixml):
    # a Selected.* PSCustomObject whose values are note properties in <MS>; enums keep ToString.
    sel = doc('''  <Obj RefId="0">
    <TN RefId="0">
      <T>Selected.Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate</T>
      <T>System.Management.Automation.PSCustomObject</T>
      <T>System.Object</T>
    </TN>
    <MS>
      <S N="Thumbprint">%(thumb)s</S>
      <Obj N="Services" RefId="1">
        <TN RefId="1">
          <T>Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices</T>
          <T>System.Enum</T>
          <T>System.ValueType</T>
          <T>System.Object</T>
        </TN>
        <ToString>IMAP, POP, IIS, SMTP</ToString>
        <I32>27</I32>
      </Obj>
      <Obj N="Status" RefId="2">
        <TN RefId="2">
          <T>Microsoft.Exchange.Management.SystemConfigurationTasks.CertificateStatus</T>
          <T>System.Enum</T>
          <T>System.ValueType</T>
          <T>System.Object</T>
        </TN>
        <ToString>Valid</ToString>
        <I32>1</I32>
      </Obj>
      <B N="HasPrivateKey">true</B>
      <B N="IsSelfSigned">false</B>
      <S N="Subject">%(subject)s</S>
      <S N="Issuer">%(issuer)s</S>
      <DT N="NotBefore">%(nb)s</DT>
      <DT N="NotAfter">%(na)s</DT>
      <Obj N="CertificateDomains" RefId="3">
        <TN RefId="3">
          <T>Deserialized.System.Collections.ObjectModel.ReadOnlyCollection`1[[Microsoft.Exchange.Data.SmtpDomainWithSubdomains, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T>
          <T>Deserialized.System.Object</T>
        </TN>
        <LST>
          <S>mail.contoso.com</S>
          <S>autodiscover.contoso.com</S>
        </LST>
      </Obj>
      <BA N="RawData">%(b64)s</BA>
      <S N="PSComputerName">ex01.contoso.com</S>
    </MS>
  </Obj>''' % {"thumb": thumb, "subject": xml_text(SUBJECT), "issuer": xml_text(ISSUER), "b64": b64, "nb": dt(NB), "na": dt(NA)})
    return raw, sel


def simple(tn, props, tostring=None, ms=""):
    t = "".join("<T>%s</T>" % x for x in tn)
    ts = "\n    <ToString>%s</ToString>" % xml_text(tostring) if tostring is not None else ""
    return '''  <Obj RefId="0">
    <TN RefId="0">%s</TN>%s
    <Props>
%s
    </Props>%s
  </Obj>''' % (t, ts, "\n".join("      " + p for p in props), ("\n    " + ms) if ms else "")


def main():
    der, thumb = make_cert()
    write(os.path.join(CLI, "receive-connector.xml"), receive_connectors())
    write(os.path.join(CLI, "send-connector.xml"), send_connector())
    raw, sel = exchange_certificates(der, thumb)
    write(os.path.join(CLI, "exchange-certificate-rawdata.xml"), raw)
    write(os.path.join(CLI, "exchange-certificate-selected.xml"), sel)
    tls = xml_text("<I>" + GODADDY + "<S>CN=mail.contoso.com")
    write(os.path.join(CLI, "hybrid-configuration.xml"), doc(simple(
        ["Microsoft.Exchange.Data.Directory.SystemConfiguration.HybridConfiguration",
         "Microsoft.Exchange.Data.Directory.ADObject", "System.Object"],
        ['<Obj N="ReceivingTransportServers" RefId="1"><TN RefId="1"><T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.Directory.ADObjectId, Microsoft.Exchange.Data.Directory, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T><T>System.Object</T></TN><LST><S>EX01</S><S>EX02</S></LST></Obj>',
         '<Obj N="SendingTransportServers" RefId="2"><TNRef RefId="1" /><LST><S>EX01</S><S>EX02</S></LST></Obj>',
         '<S N="OnPremisesSmartHost">mail.contoso.com</S>',
         '<Obj N="Domains" RefId="3"><TNRef RefId="1" /><LST><S>contoso.com</S><S>fabrikam.com</S></LST></Obj>',
         '<Obj N="Features" RefId="4"><TNRef RefId="1" /><LST><S>FreeBusy</S><S>MoveMailbox</S><S>Mailtips</S><S>MessageTracking</S><S>OwaRedirection</S><S>OnlineArchive</S><S>SecureMail</S><S>Photos</S></LST></Obj>',
         '<Obj N="TlsCertificateName" RefId="5"><TN RefId="2"><T>Microsoft.Exchange.Data.SmtpX509Identifier</T><T>System.Object</T></TN><ToString>%s</ToString><Props><S N="CertificateSubject">CN=mail.contoso.com</S><S N="CertificateIssuer">%s</S></Props></Obj>' % (tls, xml_text(GODADDY)),
         '<S N="Name">Hybrid Configuration</S>',
         '<S N="Identity">Hybrid Configuration</S>'],
        "Hybrid Configuration", MS_REMOTE)))
    # An XML declaration naming utf-16, as [PSSerializer]::Serialize output saved with Out-File has.
    write(os.path.join(CLI, "transport-service.xml"), '<?xml version="1.0" encoding="utf-16"?>\n' + doc(simple(
        ["Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServerPresentationObject",
         "Microsoft.Exchange.Data.Directory.ADObject", "System.Object"],
        ['<S N="Name">EX01</S>',
         '<S N="InternalTransportCertificateThumbprint">611C687DFC4343A5A03E0005A1EC6E9B6AFF586D</S>',
         '<S N="Identity">EX01</S>'], "EX01", MS_REMOTE)))
    for kind, proto, ports, tn in (("pop", "POP3", ("995", "110"), "Microsoft.Exchange.Data.Directory.SystemConfiguration.Pop3AdConfiguration"),
                                   ("imap", "IMAP4", ("993", "143"), "Microsoft.Exchange.Data.Directory.SystemConfiguration.Imap4AdConfiguration")):
        write(os.path.join(CLI, kind + "-settings.xml"), doc(simple(
            [tn, "Microsoft.Exchange.Data.Directory.SystemConfiguration.PopImapAdConfiguration", "System.Object"],
            ['<S N="ProtocolName">%s</S>' % proto,
             '<Obj N="SSLBindings" RefId="1"><TN RefId="1"><T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.IPBinding, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T><T>System.Object</T></TN><LST><Obj RefId="2"><TN RefId="2"><T>Microsoft.Exchange.Data.IPBinding</T><T>System.Object</T></TN><ToString>[::]:%s</ToString></Obj><Obj RefId="3"><TNRef RefId="2" /><ToString>0.0.0.0:%s</ToString></Obj></LST></Obj>' % (ports[0], ports[0]),
             '<Obj N="ExternalConnectionSettings" RefId="4"><TN RefId="3"><T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.ProtocolConnectionSettings, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T><T>System.Object</T></TN><LST><Obj RefId="5"><TN RefId="4"><T>Microsoft.Exchange.Data.ProtocolConnectionSettings</T><T>System.Object</T></TN><ToString>mail.contoso.com:%s:SSL</ToString></Obj></LST></Obj>' % ports[0],
             '<Obj N="InternalConnectionSettings" RefId="6"><TNRef RefId="3" /><LST><Obj RefId="7"><TNRef RefId="4" /><ToString>EX01.corp.contoso.com:%s:SSL</ToString></Obj><Obj RefId="8"><TNRef RefId="4" /><ToString>EX01.corp.contoso.com:%s:TLS</ToString></Obj></LST></Obj>' % ports,
             '<S N="X509CertificateName">mail.contoso.com</S>',
             '<Obj N="Server" RefId="9"><TN RefId="5"><T>Microsoft.Exchange.Data.Directory.ADObjectId</T><T>System.Object</T></TN><ToString>EX01</ToString></Obj>',
             '<S N="Name">1</S>',
             '<S N="Identity">EX01\\1</S>'], "EX01\\1", MS_REMOTE)))
    write(os.path.join(CLI, "edge-subscription.xml"), doc(simple(
        ["Microsoft.Exchange.Management.SystemConfigurationTasks.EdgeSubscription", "System.Object"],
        ['<S N="Name">EDGE01</S>',
         '<Obj N="Site" RefId="1"><TN RefId="1"><T>Microsoft.Exchange.Data.Directory.ADObjectId</T><T>System.Object</T></TN><ToString>corp.contoso.com/Configuration/Sites/Default-First-Site-Name</ToString></Obj>',
         '<S N="Domain">contoso.com</S>',
         '<S N="Identity">EDGE01</S>'], "EDGE01", MS_REMOTE)))
    # AD FS and WAP: type names from the WPD cmdlet pages where documented; Get-AdfsSslCertificate,
    # Get-AdfsProperties and Get-WebApplicationProxySslCertificate document none, so their type
    # names below are assumptions (README says so) and the kind comes from the property set.
    bind = lambda host, port, h: ['<S N="HostName">%s</S>' % host, '<I32 N="PortNumber">%d</I32>' % port, '<S N="CertificateHash">%s</S>' % h]
    objs = []
    for i, (host, port) in enumerate((("adfs.contoso.com", 443), ("localhost", 443), ("adfs.contoso.com", 49443), ("EnterpriseRegistration.contoso.com", 443))):
        objs.append(simple(["System.Management.Automation.PSCustomObject", "System.Object"], bind(host, port, thumb)).replace('RefId="0"', 'RefId="%d"' % i, 2))
    write(os.path.join(CLI, "adfs-ssl-certificate.xml"), doc(*objs))
    x509 = ('<Obj N="Certificate" RefId="1"><TN RefId="1"><T>System.Security.Cryptography.X509Certificates.X509Certificate2</T>'
            '<T>System.Security.Cryptography.X509Certificates.X509Certificate</T><T>System.Object</T></TN><ToString>%s</ToString>'
            '<Props><BA N="RawData">%s</BA></Props></Obj>' % (cert_tostring(SUBJECT, ISSUER, "5A0F3C2B1D", ts(NB), ts(NA), thumb), base64.b64encode(der).decode()))
    write(os.path.join(CLI, "adfs-certificate.xml"), doc(simple(
        ["Microsoft.IdentityServer.PowerShell.Resources.ServiceCertificate", "System.Object"],
        [x509, '<S N="CertificateType">Service-Communications</S>', '<B N="IsPrimary">true</B>',
         '<Obj N="StoreLocation" RefId="2"><TN RefId="2"><T>System.Security.Cryptography.X509Certificates.StoreLocation</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>LocalMachine</ToString><I32>2</I32></Obj>',
         '<Obj N="StoreName" RefId="3"><TN RefId="3"><T>System.Security.Cryptography.X509Certificates.StoreName</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>My</ToString><I32>5</I32></Obj>',
         '<S N="Thumbprint">%s</S>' % thumb])))
    write(os.path.join(CLI, "adfs-properties.xml"), doc(simple(
        ["Microsoft.IdentityServer.Management.Resources.ServiceProperties", "System.Object"],
        ['<B N="AutoCertificateRollover">true</B>',
         '<S N="CertificateSharingContainer">CN=e6ddcbbc-1f4e-4b5c-9c2d-0a1b2c3d4e5f,CN=ADFS,CN=Microsoft,CN=Program Data,DC=contoso,DC=com</S>',
         '<S N="HostName">adfs.contoso.com</S>', '<I32 N="HttpPort">80</I32>', '<I32 N="HttpsPort">443</I32>',
         '<I32 N="TlsClientPort">49443</I32>', '<URI N="Identifier">http://adfs.contoso.com/adfs/services/trust</URI>',
         '<Obj N="WIASupportedUserAgents" RefId="1"><TN RefId="1"><T>System.String[]</T><T>System.Array</T><T>System.Object</T></TN><LST><S>MSIE 6.0</S><S>MSIE 7.0; Windows NT</S><S>Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko</S></LST></Obj>'])))
    write(os.path.join(CLI, "wap-ssl-certificate.xml"), doc(simple(
        ["Microsoft.IdentityServer.Management.Proxy.WebApplicationProxySslCertificate", "System.Object"],
        bind("adfs.contoso.com", 443, thumb))))
    cim = ["Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/WebApplicationProxy/PublishedWebApp",
           "Microsoft.Management.Infrastructure.CimInstance#PublishedWebApp",
           "Microsoft.Management.Infrastructure.CimInstance", "System.Object"]
    apps = []
    for i, (name, ext, back, pre, rp) in enumerate((
            ("Outlook on the web", "https://mail.contoso.com/owa/", "https://mail.contoso.com/owa/", "ADFS", "OWA"),
            ("ADFS", "https://adfs.contoso.com/adfs/", "https://adfs.contoso.com/adfs/", "PassThrough", None))):
        apps.append(simple(cim, ['<S N="Name">%s</S>' % name, '<G N="ID">%s</G>' % ("3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b", "8e9d0c1b-2a3f-4e5d-8c7b-6a5f4e3d2c1b")[i],
                                 ('<S N="ADFSRelyingPartyName">%s</S>' % rp) if rp else '<Nil N="ADFSRelyingPartyName" />',
                                 '<S N="ExternalPreauthentication">%s</S>' % pre, '<S N="ExternalUrl">%s</S>' % ext,
                                 '<S N="ExternalCertificateThumbprint">%s</S>' % thumb, '<S N="BackendServerUrl">%s</S>' % back],
                          name).replace('RefId="0"', 'RefId="%d"' % i, 2))
    write(os.path.join(CLI, "wap-application.xml"), doc(*apps))
    write(os.path.join(CLI, "wap-configuration.xml"), doc(simple(
        ["Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/WebApplicationProxy/ProxyConfiguration",
         "Microsoft.Management.Infrastructure.CimInstance#ProxyConfiguration", "Microsoft.Management.Infrastructure.CimInstance", "System.Object"],
        ['<S N="ADFSSignOutURL">https://adfs.contoso.com/adfs/ls/?wa=wsignout1.0</S>', '<U32 N="ADFSTokenAcceptanceDurationSec">120</U32>',
         '<S N="ADFSUrl">https://adfs.contoso.com/adfs/ls</S>', '<S N="ADFSWebApplicationProxyRelyingPartyUri">urn:AppProxy:com</S>',
         '<Obj N="ConnectedServersName" RefId="1"><TN RefId="1"><T>System.String[]</T><T>System.Array</T><T>System.Object</T></TN><LST><S>WAP01.contoso.com</S><S>WAP02.contoso.com</S></LST></Obj>',
         '<S N="OAuthAuthenticationURL">https://adfs.contoso.com/adfs/oauth2/authorize</S>'])))
    make_json(thumb)
    make_csv(thumb)
    make_netsh(thumb)


def make_json(thumb):
    J = os.path.join(ROOT, "json")
    # Windows PowerShell 5.1 ConvertTo-Json (default -Depth 2): its own indentation ("Name":  value),
    # enums as numbers, dates as \/Date(ms)\/, TlsCertificateName written as its properties,
    # Bindings items (depth 2) with their inner objects replaced by type names.
    ps51 = r'''[
    {
        "AuthMechanism":  31,
        "Banner":  "",
        "Bindings":  [
                         {
                             "Address":  "::",
                             "AddressFamily":  23,
                             "Port":  25
                         },
                         {
                             "Address":  "0.0.0.0",
                             "AddressFamily":  2,
                             "Port":  25
                         }
                     ],
        "DefaultDomain":  null,
        "Fqdn":  {
                     "Domain":  "mail.contoso.com",
                     "IsIdnDomain":  false
                 },
        "TlsCertificateName":  {
                                   "CertificateSubject":  "CN=mail.contoso.com",
                                   "CertificateIssuer":  "CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O=\"GoDaddy.com, Inc.\", L=Scottsdale, S=Arizona, C=US",
                                   "SubjectCommonName":  "mail.contoso.com"
                               },
        "Enabled":  true,
        "RequireTLS":  false,
        "RemoteIPRanges":  [
                               "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                               "0.0.0.0-255.255.255.255"
                           ],
        "TlsDomainCapabilities":  [

                                  ],
        "Server":  {
                       "Rdn":  "CN=EX01",
                       "Parent":  "Servers",
                       "Depth":  9,
                       "DistinguishedName":  "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=contoso,DC=com",
                       "Name":  "EX01"
                   },
        "TransportRole":  16384,
        "WhenChangedUTC":  "\/Date(1736937000000)\/",
        "Name":  "Default Frontend EX01",
        "Identity":  {
                         "Rdn":  "CN=Default Frontend EX01",
                         "Parent":  "SMTP Receive Connectors",
                         "Depth":  12,
                         "Name":  "Default Frontend EX01"
                     }
    },
    {
        "AuthMechanism":  14,
        "Banner":  null,
        "Bindings":  [
                         "[::]:587",
                         "0.0.0.0:587"
                     ],
        "DefaultDomain":  null,
        "Fqdn":  "mail.contoso.com",
        "TlsCertificateName":  null,
        "Enabled":  false,
        "RequireTLS":  false,
        "RemoteIPRanges":  "@{LowerBound=::; UpperBound=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff}",
        "TlsDomainCapabilities":  [

                                  ],
        "Server":  "EX01",
        "TransportRole":  16384,
        "WhenChangedUTC":  "\/Date(-62135596800000)\/",
        "Name":  "Client Frontend EX01",
        "Identity":  "EX01\\Client Frontend EX01"
    }
]'''
    write(os.path.join(J, "receive-connector-ps51.json"), ps51)
    write(os.path.join(J, "receive-connector-ps51-utf8.json"), ps51, encoding="utf-8", newline="\n")
    # Windows PowerShell 5.1 ConvertTo-Json -Depth 1, one object: objects at depth 1 become their
    # ToString (exact for SmtpX509Identifier and Fqdn; a collection's type name for the lists).
    d1 = r'''{
    "DNSRoutingEnabled":  false,
    "SmartHosts":  "System.Object[]",
    "Fqdn":  "mail.contoso.com",
    "TlsCertificateName":  "<I>CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O=\"GoDaddy.com, Inc.\", L=Scottsdale, S=Arizona, C=US<S>CN=mail.contoso.com",
    "RequireTLS":  true,
    "Enabled":  true,
    "AddressSpaces":  "Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.AddressSpace, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
    "CloudServicesMailEnabled":  true,
    "Name":  "Outbound to Office 365",
    "Identity":  "Outbound to Office 365"
}'''
    write(os.path.join(J, "send-connector-ps51-depth1.json"), d1)
    # PowerShell 7 ConvertTo-Json -EnumsAsStrings (two-space indentation, ISO 8601 dates), one
    # object (not an array), UTF-8 without BOM, LF.
    ps7 = '''{
  "Thumbprint": "%s",
  "Services": "IMAP, POP, IIS, SMTP",
  "Status": "Valid",
  "HasPrivateKey": true,
  "IsSelfSigned": false,
  "Subject": "CN=mail.contoso.com, O=\\"Contoso, Ltd\\", L=Redmond, S=Washington, C=US",
  "Issuer": "CN=Contoso Issuing CA 1, O=\\"Contoso, Ltd\\", C=US",
  "NotBefore": "2025-01-01T00:00:00+01:00",
  "NotAfter": "2027-01-01T00:00:00+01:00",
  "CertificateDomains": [
    "mail.contoso.com",
    "autodiscover.contoso.com"
  ],
  "PublicKeySize": 2048,
  "Extensions": "System.Security.Cryptography.X509Certificates.X509ExtensionCollection",
  "PSComputerName": "ex01.contoso.com"
}
''' % thumb
    write(os.path.join(J, "exchange-certificate-ps7.json"), ps7, encoding="utf-8", newline="\n")
    write(os.path.join(J, "exchange-certificate-ps7-utf16.json"), ps7)


def make_csv(thumb):
    C = os.path.join(ROOT, "csv")
    # Windows PowerShell 5.1 Export-Csv: #TYPE line, every field quoted, $null as a bare empty
    # field, collections as their type name, ASCII, CRLF.
    ps51 = '''#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector
"AuthMechanism","Banner","Bindings","RemoteIPRanges","Fqdn","TlsCertificateName","Comment","Enabled","Server","Name","Identity"
"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer","220 mail.contoso.com
Authorised use only","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPBinding]","::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 0.0.0.0-255.255.255.255","mail.contoso.com","<I>%s<S>CN=mail.contoso.com","say ""hello""","True","EX01","Default Frontend EX01","EX01\\Default Frontend EX01"
"Tls, BasicAuth, BasicAuthRequireTLS","","System.Object[]","","mail.contoso.com",,,"True","EX01","Client Frontend EX01","EX01\\Client Frontend EX01"
''' % GODADDY.replace('"', '""')
    write(os.path.join(C, "receive-connector-ps51.csv"), ps51, encoding="utf-8")
    write(os.path.join(C, "receive-connector-ps51-utf16.csv"), ps51)
    # PowerShell 7 Export-Csv -UseCulture (de-DE list separator ";"), no #TYPE line, lists joined
    # by the exporting script (-join ','), UTF-8 without BOM, LF.
    ps7 = '''"Thumbprint";"Services";"Subject";"NotAfter";"CertificateDomains";"HasPrivateKey"
"%s";"IMAP, POP, IIS, SMTP";"CN=mail.contoso.com, O=""Contoso, Ltd"", L=Redmond, S=Washington, C=US";"01.01.2027 00:00:00";"mail.contoso.com,autodiscover.contoso.com";"True"
"2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7";"SMTP";"CN=Microsoft Exchange Server Auth Certificate";"11.07.2026 15:59:05";"";"True"
''' % thumb
    write(os.path.join(C, "exchange-certificate-ps7.csv"), ps7, encoding="utf-8", newline="\n")


def make_netsh(thumb):
    N = os.path.join(ROOT, "netsh")
    h = thumb.lower()
    common_new = '''    Certificate Hash             : %s
    Application ID               : {5d89a20c-beab-4389-9447-324788eb944a}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : %s
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : %s
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Not Set
    Enable Session Ticket        : Not Set
 Extended Properties:
    PropertyId                   : 0
    Receive Window               : 1048576
 Extended Properties:
    PropertyId                   : 1
    Max Settings Per Frame       : 2796202
    Max Settings Per Minute      : 4294967295
'''
    out = "\nSSL Certificate bindings:\n-------------------------\n\n"
    for key, val, ctl, neg in (("Hostname:port", "adfs.contoso.com:443", "AdfsTrustedDevices", "Disabled"),
                               ("Hostname:port", "localhost:443", "AdfsTrustedDevices", "Disabled"),
                               ("Hostname:port", "certauth.adfs.contoso.com:443", "AdfsTrustedDevices", "Enabled"),
                               ("Hostname:port", "adfs.contoso.com:49443", "(null)", "Enabled"),
                               ("Hostname:port", "EnterpriseRegistration.contoso.com:443", "AdfsTrustedDevices", "Disabled"),
                               ("IP:port", "0.0.0.0:443", "(null)", "Disabled")):
        out += "    %-28s : %s\n" % (key, val) + common_new % (h, ctl, neg) + "\n"
    write(os.path.join(N, "adfs-node.txt"), out)
    # Windows Server 2012 R2 layout (fewer labels, no extended properties), UTF-8, LF: a WAP node
    # with an IPv6 wildcard binding and a Central Certificate Store binding.
    old = '''
SSL Certificate bindings:
-------------------------

    IP:port                      : [::]:443
    Certificate Hash             : %(h)s
    Application ID               : {f955c070-e044-456c-ac00-e9e4275b3f04}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled

    Central Certificate Store    : 443
    Certificate Hash             : (null)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : (null)
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled

''' % {"h": h}
    write(os.path.join(N, "wap-node-2012r2.txt"), old, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()

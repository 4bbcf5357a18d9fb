package generator

import (
	"fmt"

	"certswap/validate/psquote"
)

// Check verifies that every value of the plan can be written as a PowerShell literal. The first
// value that cannot (a control character, invalid UTF-8) gives a *ChangeError naming the file and
// object it came from. Render calls it before it renders anything.
func (p *Plan) Check() error {
	certs := []*CertRef{&p.Certificate}
	if p.Old != nil {
		certs = append(certs, p.Old)
	}
	for _, c := range certs {
		for _, v := range []struct{ what, val string }{
			{"thumbprint", c.Thumbprint}, {"subject", c.Subject}, {"issuer", c.Issuer},
		} {
			if err := psquote.Check(v.val); err != nil {
				return &ChangeError{File: c.File, Object: "certificate " + v.what, Err: fmt.Errorf("value %s: %w", quoteForMessage(v.val), err)}
			}
		}
		for _, n := range c.DNSNames {
			if err := psquote.Check(n); err != nil {
				return &ChangeError{File: c.File, Object: "certificate DNS name", Err: fmt.Errorf("value %s: %w", quoteForMessage(n), err)}
			}
		}
	}
	checkObj := func(o ObjectChange) error {
		for _, v := range []struct{ what, val string }{
			{"identity", o.Identity}, {"ID", o.ID}, {"name", o.Name}, {"property", o.Property},
			{"old value", o.Old}, {"new value", o.New},
		} {
			if err := psquote.Check(v.val); err != nil {
				return &ChangeError{File: o.File, Line: o.Line, Object: objectName(o.Kind, o.Identity, o.Name), Err: fmt.Errorf("%s: %w", v.what, err)}
			}
		}
		return nil
	}
	var all []ObjectChange
	for _, s := range append(append([]*ExchangeServer{}, p.Exchange...), p.Edge...) {
		all = append(all, s.objects()...)
	}
	if f := p.ADFS; f != nil {
		if f.ServiceCommunications != nil {
			all = append(all, *f.ServiceCommunications)
		}
		all = append(all, f.SSLBindings...)
		all = append(all, f.NetshBindings...)
		all = append(all, f.ManualBindings...)
	}
	if f := p.WAP; f != nil {
		all = append(all, f.ProxySSL...)
		all = append(all, f.Applications...)
	}
	for _, o := range all {
		if err := checkObj(o); err != nil {
			return err
		}
	}
	return nil
}

package generator

// Ticket renders CHANGE.md, the change ticket, from the plan.
func Ticket(p *Plan) ([]byte, error) {
	return execute("ticket.md.tmpl", view{P: p, File: "CHANGE.md"})
}

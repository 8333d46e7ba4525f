"""Staff pages of the IPT course, one module per part of it. Each view: access through
``ipt.selectors`` (which goes through accounts.access and audits), a form or a
service, a render."""

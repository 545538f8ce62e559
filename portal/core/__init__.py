"""Domain-free building blocks shared by every domain package. `core` imports no domain
(tests/test_architecture.py); when two domains need the same piece, it moves down here.

    workflow.py     the one state-machine idiom: StateEnum (its CHECK constraint), Transition,
                    Workflow (guard, apply = new state + one audit event), InvalidTransition
    audit.py        the append-only trail: record(), history(subject), the event catalogue that
                    each domain fills with register_event_types()
    permissions.py  roles, the view guards (roles_required, lawyer_required) and can_open()
    credentials.py  passwords (argon2), the login rule and its log, the session loader registry
    identity.py     the canonical form of addresses and names; what may pass for another account
    throttle.py     failures per (account or number, client), per client, per account or number:
                    the rule that stops an attacker and never locks the owner out
    forms.py        the base forms and shared fields/validators (dates, case numbers, mobiles,
                    ID numbers, lengths, confirm and login forms)
    casenumbers.py  the one rule for how case and document numbers are written and normalised
    clock.py        now() and local dates; the one clock tests freeze
    codes.py        query codes: generation, keyed hashing (and its rotation), formatting
    lookups.py      throttled lookups by number and code
    outbox.py       messages queued in the caller's transaction, claimed with a lease, retried
                    with backoff, given up where administrators see them; every channel's
    mail.py         the e-mail channel of the outbox; urls.py  absolute links for mail and notices
    converters.py   bounded URL converters (ids an integer column holds, short segments)
    params.py       query parameters parsed one way: bounded numbers and pages, dates, choices
    input_guard.py  control characters in the address refused with a 400 (PortalForm refuses them
                    in fields)
    uploads.py      checked, stored uploads; filecheck.py  `flask check-files`, files and rows
                    that disagree; database.py  SQLite tuning; errors.py  error pages, and the
                    failed form drawn again;
    activecontent.py  macros and active PDF content in uploads; clamd.py  the virus scan;
    api.py          what every part of the open data API (/api/v1) shares: errors in JSON, and
                    its OpenAPI description assembled from each domain's part
    security.py     response headers; i18n.py  locale choice; ratelimit_store.py  the limiter's
                    shared store
    pagecache.py    public pages stored and revalidated, and what is kept until a topic changes;
                    fragments.py  the layout's header and footer, kept once drawn
"""

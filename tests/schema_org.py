"""The part of the schema.org vocabulary that the site's structured data uses, to check it
against: each property must be one schema.org defines on the node's type (or a type above
it), and a node given as a property's value must be of a type that property takes.

Copied from schema.org release 30.0 (`data/releases/30.0/schemaorg-current-https-types.csv`:
subTypeOf; `…-properties.csv`: domainIncludes, rangeIncludes). A property the site starts
to use is added from there: the check refuses any property it does not know.
"""

# Each type with the types it is a kind of (up to Thing).
PARENTS = {
    "Answer": ("Comment",),
    "BreadcrumbList": ("ItemList",),
    "Comment": ("CreativeWork",),
    "CreativeWork": ("Thing",),
    "FAQPage": ("WebPage",),
    "Intangible": ("Thing",),
    "ItemList": ("Intangible",),
    "ListItem": ("Intangible",),
    "LocalBusiness": ("Organization", "Place"),
    "MedicalBusiness": ("LocalBusiness",),
    "MedicalClinic": ("MedicalBusiness", "MedicalOrganization"),
    "MedicalEntity": ("Thing",),
    "MedicalOrganization": ("Organization",),
    "MedicalProcedure": ("MedicalEntity",),
    "MedicalWebPage": ("WebPage",),
    "Offer": ("Intangible",),
    "Organization": ("Thing",),
    "Physician": ("MedicalBusiness", "MedicalOrganization"),
    "Place": ("Thing",),
    "PriceSpecification": ("StructuredValue",),
    "Question": ("Comment",),
    "Service": ("Intangible",),
    "StructuredValue": ("Intangible",),
    "Thing": (),
    "WebPage": ("CreativeWork",),
}

# Each property with the types schema.org defines it on (domainIncludes).
DOMAINS = {
    "acceptedAnswer": {"Question"},
    "bodyLocation": {"AnatomicalStructure", "MedicalProcedure"},
    "description": {"Thing"},
    "followup": {"MedicalProcedure"},
    "howPerformed": {"MedicalProcedure"},
    "item": {"DataFeedItem", "ListItem"},
    "itemListElement": {"ItemList"},
    "lastReviewed": {"WebPage"},
    "mainEntity": {"CreativeWork"},
    "maxPrice": {"PriceSpecification"},
    "minPrice": {"PriceSpecification"},
    "name": {"Thing"},
    # Not MedicalProcedure: a price belongs to what is sold (a Service), not the medical act.
    "offers": {
        "AggregateOffer",
        "CreativeWork",
        "EducationalOccupationalProgram",
        "Event",
        "MenuItem",
        "Product",
        "Service",
        "Trip",
    },
    "position": {"CreativeWork", "ListItem"},
    "priceCurrency": {
        "DonateAction",
        "Offer",
        "PriceSpecification",
        "Reservation",
        "Ticket",
        "TradeAction",
    },
    "priceSpecification": {"Demand", "DonateAction", "Offer", "TradeAction"},
    "procedureType": {"MedicalProcedure"},
    "provider": {
        "Action",
        "CreativeWork",
        "EducationalOccupationalProgram",
        "FinancialIncentive",
        "Invoice",
        "ParcelDelivery",
        "Reservation",
        "Service",
        "Trip",
    },
    "reviewedBy": {"WebPage"},
    "text": {"CreativeWork"},
    "url": {"Thing"},
    "validFrom": {
        "Certification",
        "Demand",
        "FinancialIncentive",
        "LocationFeatureSpecification",
        "MonetaryAmount",
        "Offer",
        "OpeningHoursSpecification",
        "Permit",
        "PriceSpecification",
    },
}

# The types a property takes as a node (rangeIncludes), for the properties given nodes.
RANGES = {
    "acceptedAnswer": {"Answer", "ItemList"},
    "itemListElement": {"ListItem", "Thing"},
    "mainEntity": {"Thing"},
    "offers": {"Demand", "Offer"},
    "priceSpecification": {"PriceSpecification"},
    "provider": {"Organization", "Person"},
    "reviewedBy": {"Organization", "Person"},
}


def kinds(schema_type: str) -> set[str]:
    """The type and every type above it."""
    found = {schema_type}
    for parent in PARENTS[schema_type]:
        found |= kinds(parent)
    return found


def problems(node: dict) -> list[str]:
    """What in `node` (and the nodes inside it) schema.org does not define; [] when valid."""
    schema_type = node["@type"]
    if schema_type not in PARENTS:
        return [f"{schema_type}: a type this excerpt of schema.org does not know"]
    found = []
    for name, value in node.items():
        if name.startswith("@"):
            continue
        if name not in DOMAINS:
            found.append(f"{schema_type}.{name}: a property this excerpt does not know")
            continue
        if not DOMAINS[name] & kinds(schema_type):
            found.append(f"{schema_type}.{name}: schema.org has no {name} on a {schema_type}")
        for child in value if isinstance(value, list) else [value]:
            if not isinstance(child, dict):
                continue
            if child["@type"] in PARENTS and not RANGES.get(name, set()) & kinds(child["@type"]):
                found.append(f"{schema_type}.{name}: takes no {child['@type']}")
            found += problems(child)
    return found

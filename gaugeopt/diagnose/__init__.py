"""Why an instance has no schedule: pre-checks (:mod:`.precheck`), the load on each resource
(:mod:`.load`) and the explainer that relaxes rules one at a time (:mod:`.explain`)."""

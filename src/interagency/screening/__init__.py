"""The screening service: subjects of any kind screened against what other agencies
hold, under one set of rules (`service`), with candidates found by keyed hashes
(`subjects`, `keys`) and each kind registered by the feature that holds it (`registry`).
"""

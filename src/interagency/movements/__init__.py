"""Foreign terrorist fighters: agencies' profiles of their nationals who left to fight or
came back, and the region's border crossings screened against them hit/no-hit.

A profile is a person record of the records feature with what the fighter's status adds
(`profiles`); a crossing is a subject of the screening service, screened once against the
cleared profiles its agency may learn of (`crossings`, `manifests`), and kept only behind
a hit a person of the submitting agency confirmed (`minimisation`).
"""

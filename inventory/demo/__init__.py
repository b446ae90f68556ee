"""Demo and benchmark data: the Gia Lai province of domain/norms.md, made up but realistic.

province: the units and their lineage; names: Vietnamese and Jrai-like name
material; catalog: categories and what offices hold; premises: sites and rooms;
assets: asset rows for COPY; users: the demo accounts; load: the loader that
`inventory demo` and `inventory run` call.
"""

"""The rollup worker (`mymonit rollups`): the minute and hour rollups of every series kept up to
date with the raw measures (docs/design.md, Rollups)."""

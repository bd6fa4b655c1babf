"""HireLab as an ATS's assessment partner (Greenhouse's Assessment Partner API): connections,
the partner endpoints, and the completion callback. See README "Connecting an ATS"."""

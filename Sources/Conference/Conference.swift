// Conference module.

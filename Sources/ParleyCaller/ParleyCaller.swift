// ParleyCaller module.

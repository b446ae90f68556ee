"""Categories: the deployment-wide kinds of asset, their form 02 group and yearly wear rate."""

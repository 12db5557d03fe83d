import RaftLabCLI
RaftLab.main()

import RaftLabCLI

RaftLab.main()

from qifu.manage import main

main()

module example.com/flexjob/report

go 1.24

// A flexjob job: flexjob builds it into a static binary on distroless, without a Dockerfile.
package main

import (
	"fmt"
	"os"
)

func main() {
	// flexjob sets FLEXJOB_JOB in every task, and FLEXJOB_TASK_INDEX in each shard of a job with tasks > 1.
	job := os.Getenv("FLEXJOB_JOB")
	index := os.Getenv("FLEXJOB_TASK_INDEX")
	if index == "" {
		index = "0"
	}
	fmt.Printf("hello from %s, task %s\n", job, index)
}
